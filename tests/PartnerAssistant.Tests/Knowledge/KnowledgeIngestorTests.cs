using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Stores;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge;

public sealed class KnowledgeIngestorTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-corpus-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly HashingEmbeddingGenerator _embeddings = new();
    private AssistantServices _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_folder, "program"));
        Write("program/mdf.md", Doc("MDF — market development funds", "partner", "## Requests\n\nRequest MDF at least 30 days before the activity.\n\n## Claims\n\nClaim within 60 days with proof of performance."));
        Write("program/tiers.md", Doc("Tiers", "partner", "## Gold\n\nGold needs five certified people and one million dollars of attributed revenue."));
        Write("internal/review.md", Doc("Conflict review playbook", "internal", "## Evidence\n\nChannel managers weigh documented customer meetings."));
        _services = await AssistantServices.CreateAsync(configure: s => s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(_embeddings)));
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task IngestFolderAsync_SecondRunWithNothingChanged_EmbedsNothing()
    {
        var first = await IngestAsync();
        var embeddedAfterFirst = _embeddings.TextsEmbedded;

        var second = await IngestAsync();

        Assert.Equal((3, 0, 0), (first.Added, first.Updated, first.Unchanged));
        Assert.Equal((0, 0, 3, 0), (second.Added, second.Updated, second.Unchanged, second.ChunksEmbedded));
        Assert.Equal(embeddedAfterFirst, _embeddings.TextsEmbedded);
    }

    [Fact]
    public async Task IngestFolderAsync_ChangedDocument_ReplacesItsPassagesAndOnlyItIsReEmbedded()
    {
        await IngestAsync();
        var before = _embeddings.TextsEmbedded;
        Write("program/mdf.md", Doc("MDF — market development funds", "partner", "## Requests\n\nRequest MDF at least 45 days before the activity."));

        var report = await IngestAsync();
        var embedded = _embeddings.TextsEmbedded - before;
        var hits = await SearchAsync("request MDF days before the activity", KnowledgeFilter.Partner);

        Assert.Equal((0, 1, 2), (report.Added, report.Updated, report.Unchanged));
        // The one changed passage, its one sentence and its heading (for answers); nothing of the other documents.
        Assert.Equal((1, 1), (report.ChunksEmbedded, report.SentencesEmbedded));
        Assert.Equal(3, embedded);
        var mdf = hits.Where(h => h.Chunk.Source == "program/mdf.md").ToList();
        Assert.Equal("Request MDF at least 45 days before the activity.", Assert.Single(mdf).Chunk.Text);
        Assert.DoesNotContain(hits, h => h.Chunk.Text.Contains("60 days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestFolderAsync_DeletedFile_LeavesTheIndexAndTheSourceList()
    {
        await IngestAsync();
        File.Delete(Path.Combine(_folder, "program/tiers.md"));

        var report = await IngestAsync();

        Assert.Equal(1, report.Removed);
        Assert.DoesNotContain(await SearchAsync("gold certified people revenue", KnowledgeFilter.Internal), h => h.Chunk.Source == "program/tiers.md");
        Assert.DoesNotContain(await _services.Get<KnowledgeRegistry>().ListDocumentsAsync("enablement", true, Ct), d => d.Source == "program/tiers.md");
    }

    [Fact]
    public async Task IngestFolderAsync_RunKilledMidway_LeavesThePreviousIndexWholeAndAnswering()
    {
        await IngestAsync();
        Write("program/mdf.md", Doc("MDF — market development funds", "partner", "## Requests\n\nNew rule: request MDF 10 days ahead."));
        Write("program/tiers.md", Doc("Tiers", "partner", "## Gold\n\nNew rule: Gold needs seven certified people."));
        _embeddings.FailAfterCalls = 1;   // the first changed document is staged, then the run dies

        await Assert.ThrowsAsync<IOException>(IngestAsync);
        _embeddings.FailAfterCalls = null;
        var during = await _services.Get<IKnowledgeStore>().ListDocumentsAsync("enablement", Ct);
        var hits = await SearchAsync("request MDF gold certified people", KnowledgeFilter.Partner);

        Assert.Equal(3, during.Count);
        Assert.DoesNotContain(hits, h => h.Chunk.Text.StartsWith("New rule", StringComparison.Ordinal));
        Assert.Contains(hits, h => h.Chunk.Text.Contains("30 days", StringComparison.Ordinal));
        Assert.Contains(hits, h => h.Chunk.Text.Contains("five certified", StringComparison.Ordinal));

        var recovered = await IngestAsync();
        Assert.Equal(2, recovered.Updated);
        Assert.Equal(2, (await SearchAsync("new rule", KnowledgeFilter.Partner)).Count(h => h.Chunk.Text.StartsWith("New rule", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RetireAsync_Document_LeavesTheIndex_AndAFolderIngestDoesNotBringItBack()
    {
        await IngestAsync();
        var editor = _services.Get<KnowledgeEditor>();

        var retired = await editor.RetireAsync(null, "program/tiers.md", Ct);
        await IngestAsync();

        Assert.NotNull(retired);
        Assert.DoesNotContain(await SearchAsync("gold certified people", KnowledgeFilter.Internal), h => h.Chunk.Source == "program/tiers.md");
        Assert.True((await editor.ListSourcesAsync(null, includeRetired: true, Ct)).Single(d => d.Source == "program/tiers.md").Retired);
    }

    [Fact]
    public async Task AddDocumentAsync_PlainTextWithoutAudience_IsInternalUntilSaidOtherwise()
    {
        await IngestAsync();
        var editor = _services.Get<KnowledgeEditor>();

        var (internalDoc, _) = await editor.AddDocumentAsync(null, "pricing-notes.txt", "Discount approvals above 20 percent need the regional VP."u8.ToArray(), null, Ct);
        var (partnerDoc, _) = await editor.AddDocumentAsync(null, "webinar.html", "<html><head><title>Webinars</title></head><body><h2>Schedule</h2><p>Partner webinars run every Tuesday.</p></body></html>"u8.ToArray(), KnowledgeAudience.Partner, Ct);

        Assert.Equal(KnowledgeAudience.Internal, internalDoc.Audience);
        Assert.DoesNotContain(await SearchAsync("discount approvals regional VP", KnowledgeFilter.Partner), h => h.Chunk.Source == "uploads/pricing-notes.txt");
        Assert.Contains(await SearchAsync("discount approvals regional VP", KnowledgeFilter.Internal), h => h.Chunk.Source == "uploads/pricing-notes.txt");
        var webinar = Assert.Single(await SearchAsync("partner webinars tuesday", KnowledgeFilter.Partner), h => h.Chunk.Source == "uploads/webinar.html");
        Assert.Equal(("Webinars", "Schedule"), (webinar.Chunk.Title, webinar.Chunk.Section));
    }

    [Fact]
    public async Task AddDocumentAsync_SameFileNameAsAShippedDocument_ReplacesIt_AndKeepsItsAudienceAndAddress()
    {
        await IngestAsync();
        var editor = _services.Get<KnowledgeEditor>();

        var (document, _) = await editor.AddDocumentAsync(null, "mdf.md", "# MDF\n\n## Requests\n\nRequest MDF at least 21 days before the activity."u8.ToArray(), null, Ct);
        await IngestAsync();
        var hits = await SearchAsync("request MDF days before the activity", KnowledgeFilter.Partner);

        Assert.Equal("program/mdf.md", document.Source);
        Assert.Equal(KnowledgeAudience.Partner, document.Audience);
        Assert.Equal("https://partners.northbeam.example/docs/mdf-md", document.SourceUrl);
        Assert.Equal("Request MDF at least 21 days before the activity.", Assert.Single(hits, h => h.Chunk.Source == "program/mdf.md").Chunk.Text);
    }

    private Task<IngestReport> IngestAsync() =>
        _services.Get<KnowledgeIngestor>().IngestFolderAsync(_folder, "enablement", force: false, by: null, Ct);

    private async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string query, KnowledgeFilter filter) =>
        (await _services.Get<KnowledgeRetriever>().RetrieveAsync(query, filter, 10, null, Ct)).Hits;

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_folder, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Doc(string title, string audience, string body) => $"""
        ---
        title: {title}
        audience: {audience}
        tiers: [all]
        partner_types: [all]
        owner: NPN Enablement
        last_reviewed: 2026-10-01
        source_url: https://partners.northbeam.example/docs/{title.ToLowerInvariant().Split(' ')[0]}-md
        ---

        # {title}

        {body}
        """;
}
