using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>The embedded store (a SQLite file in a temporary data folder) against the shared store behaviour.</summary>
public sealed class SqliteKnowledgeStoreTests : KnowledgeStoreBehaviourTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-kstore-" + Guid.NewGuid().ToString("N")[..10]);

    protected override Task<IKnowledgeStore> CreateStoreAsync() =>
        Task.FromResult<IKnowledgeStore>(new SqliteKnowledgeStore(Options.Create(new DataOptions { Folder = _folder }), NullLogger<SqliteKnowledgeStore>.Instance));

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SearchAsync_AnotherProcessCommits_SeesTheNewPassagesWithoutRestart()
    {
        // Two store instances over one file stand for the server and the command line.
        await IndexAsync(Doc1("a.md", "first version"));
        var other = new SqliteKnowledgeStore(Options.Create(new DataOptions { Folder = _folder }), NullLogger<SqliteKnowledgeStore>.Instance);
        Assert.Single(await SearchAsync(Axis(0), ["version"], PartnerAssistant.Knowledge.KnowledgeFilter.Partner, top: 5));

        await using (var batch = await other.BeginWriteAsync(Collection, Dimensions, TestContext.Current.CancellationToken))
        {
            var doc = Doc1("b.md", "second document");
            await batch.StageAsync(doc.Document, doc.Chunks, TestContext.Current.CancellationToken);
            await batch.CommitAsync([], TestContext.Current.CancellationToken);
        }

        var hits = await SearchAsync(Axis(0), ["version", "document"], PartnerAssistant.Knowledge.KnowledgeFilter.Partner, top: 5);
        Assert.Equal(["a.md", "b.md"], hits.Select(h => h.Chunk.Source).Order());
    }

    private static TestDocument Doc1(string source, string text)
    {
        var chunk = new PartnerAssistant.Knowledge.KnowledgeChunk
        {
            Id = Guid.NewGuid(), Source = source, Title = source, Text = text, Audience = PartnerAssistant.Knowledge.KnowledgeAudience.All, ContentHash = "h", Vector = Axis(0),
        };
        return new TestDocument(new IndexedDocument(source, source, PartnerAssistant.Knowledge.KnowledgeAudience.All, "h", 1), [chunk]);
    }
}
