using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Knowledge.Stores;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge.Answering;

/// <summary>
/// Sentence vectors are computed when a document is ingested and kept beside the store in the
/// relational database, so answering embeds only the question. Run on SQLite and PostgreSQL, with the
/// deterministic hashing generator (the bookkeeping, not the model, is under test).
/// </summary>
public sealed class SentenceVectorsTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_ThenAnswer_StoresEverySentenceOnce_AndAnAnswerEmbedsOnlyTheQuestion(DatabaseProvider provider)
    {
        var embeddings = new HashingEmbeddingGenerator();
        await using var corpus = await Corpus.CreateAsync(provider, embeddings);

        var report = await corpus.IngestAsync();
        var rows = await corpus.RowsAsync();
        var before = embeddings.TextsEmbedded;
        var answer = await corpus.Services.Get<KnowledgeAnswerService>().AnswerAsync("how many days before the activity do I request MDF", null, KnowledgeFilter.Partner, Ct);

        Assert.Equal(report.ChunksEmbedded, rows.Count);
        Assert.Equal(report.SentencesEmbedded, rows.Sum(r => r.Count - 1));
        Assert.True(answer.Answer.Answered, answer.Answer.Text);
        Assert.Contains("30 days", answer.Answer.Text, StringComparison.Ordinal);
        Assert.Equal(1, embeddings.TextsEmbedded - before);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_ChangedAndRemovedDocuments_LeaveNoVectorsOfTheirOldText(DatabaseProvider provider)
    {
        var embeddings = new HashingEmbeddingGenerator();
        await using var corpus = await Corpus.CreateAsync(provider, embeddings);
        await corpus.IngestAsync();
        var old = (await corpus.RowsAsync()).Where(r => r.Source == "program/mdf.md").Select(r => r.ChunkId).ToHashSet();

        corpus.Write("program/mdf.md", "MDF", "## Requests\n\nRequest MDF at least 45 days before the activity.");
        File.Delete(Path.Combine(corpus.Folder, "program/tiers.md"));
        await corpus.IngestAsync();
        var rows = await corpus.RowsAsync();
        var live = (await corpus.Services.Get<IKnowledgeStore>().ListDocumentsAsync("enablement", Ct)).ToDictionary(d => d.Source, d => d.ContentHash);

        Assert.DoesNotContain(rows, r => r.Source == "program/tiers.md");
        Assert.DoesNotContain(rows, r => old.Contains(r.ChunkId));
        Assert.All(rows, r => Assert.Equal(live[r.Source], r.ContentHash));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_PassagesIndexedWithoutSentenceVectors_GetThemWithoutReembeddingThePassages(DatabaseProvider provider)
    {
        var embeddings = new HashingEmbeddingGenerator();
        await using var corpus = await Corpus.CreateAsync(provider, embeddings);
        await corpus.IngestAsync();
        var stored = await corpus.RowsAsync();
        // As a store filled before sentence vectors existed: the passages are there, their sentences are not.
        await corpus.DeleteRowsAsync();

        var report = await corpus.IngestAsync();

        Assert.Equal((0, 0, 3), (report.Added, report.Updated, report.Unchanged));
        Assert.Equal(0, report.ChunksEmbedded);
        Assert.Equal(stored.Sum(r => r.Count - 1), report.SentencesEmbedded);
        Assert.Equal(stored.Select(r => r.ChunkId).Order(), (await corpus.RowsAsync()).Select(r => r.ChunkId).Order());
    }

    [Fact]
    public async Task ForPassagesAsync_VectorsOfAnOlderCut_AreNotUsed_TheSentencesAreEmbeddedAgain()
    {
        var embeddings = new HashingEmbeddingGenerator();
        await using var corpus = await Corpus.CreateAsync(DatabaseProvider.Sqlite, embeddings);
        await corpus.IngestAsync();
        var row = (await corpus.RowsAsync()).First();
        await corpus.SetFingerprintAsync(row.ChunkId, "v0:0000000000000000");
        var chunk = (await corpus.Services.Get<KnowledgeRetriever>().RetrieveAsync("request MDF claim proof", KnowledgeFilter.Internal, 10, null, Ct)).Hits
            .Single(h => h.Chunk.Id == row.ChunkId).Chunk;
        var cut = PassageCut.Of(chunk.Id, chunk.Text, chunk.Section, chunk.Title);
        var before = embeddings.TextsEmbedded;

        var vectors = await corpus.Services.Get<SentenceVectors>().ForPassagesAsync([cut], Ct);

        Assert.Equal(cut.Texts.Count, vectors[0].Length);
        Assert.Equal(cut.Texts.Count, embeddings.TextsEmbedded - before);
    }

    /// <summary>A small corpus in a temporary folder, ingested into a fresh database of the given provider.</summary>
    private sealed class Corpus : IAsyncDisposable
    {
        private Corpus(AssistantServices services, string folder)
        {
            Services = services;
            Folder = folder;
        }

        public AssistantServices Services { get; }

        public string Folder { get; }

        public static async Task<Corpus> CreateAsync(DatabaseProvider provider, HashingEmbeddingGenerator embeddings)
        {
            var services = await AssistantServices.CreateAsync(provider, configure: s => s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(embeddings)));
            var corpus = new Corpus(services, Path.Combine(Path.GetTempPath(), "pa-sentences-" + Guid.NewGuid().ToString("N")[..10]));
            corpus.Write("program/mdf.md", "MDF", "## Requests\n\nRequest MDF at least 30 days before the activity. A request contains:\n\n- the activity\n- the budget\n\n## Claims\n\nClaim within 60 days with proof of performance.");
            corpus.Write("program/tiers.md", "Tiers", "## Gold\n\nGold needs five certified people and one million dollars of attributed revenue.");
            corpus.Write("program/faq.md", "FAQ", "## Funds\n\n**How much is reimbursed?** Up to half of the eligible cost.");
            return corpus;
        }

        public Task<IngestReport> IngestAsync() => Services.Get<KnowledgeIngestor>().IngestFolderAsync(Folder, "enablement", force: false, by: null, Ct);

        public void Write(string relative, string title, string body)
        {
            var path = Path.Combine(Folder, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"---\ntitle: {title}\naudience: partner\n---\n\n# {title}\n\n{body}\n");
        }

        public async Task<List<KnowledgeSentenceVectorsRow>> RowsAsync()
        {
            await using var scope = Services.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().SentenceVectors.AsNoTracking().ToListAsync(Ct);
        }

        public async Task DeleteRowsAsync()
        {
            await using var scope = Services.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().SentenceVectors.ExecuteDeleteAsync(Ct);
        }

        public async Task SetFingerprintAsync(Guid chunkId, string fingerprint)
        {
            await using var scope = Services.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().SentenceVectors.Where(s => s.ChunkId == chunkId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Fingerprint, fingerprint), Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            try
            {
                System.IO.Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
