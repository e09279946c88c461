using PartnerAssistant.People;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge;

/// <summary>
/// The assistant with the real all-MiniLM-L6-v2 model and the shipped <c>knowledge/</c> corpus
/// ingested once for the test classes that share it (retrieval and answers depend on the real
/// model and the real documents). Skips, saying why, where the model package is not installed.
/// </summary>
public sealed class EnablementCorpusFixture : IAsyncLifetime
{
    private AssistantServices? _services;

    public AssistantServices Services => _services ?? throw new InvalidOperationException(Unavailable);

    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            PartnerAssistant.Knowledge.Embeddings.MiniLmModelFiles.Locate(null);
        }
        catch (DirectoryNotFoundException ex)
        {
            Unavailable = ex.Message;
            return;
        }

        _services = await AssistantServices.CreateAsync(settings: new Dictionary<string, string?> { ["Knowledge:IngestOnStart"] = "true" });
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>The services, or skips the calling test when the model is not installed.</summary>
    public AssistantServices Require()
    {
        if (Unavailable is not null)
        {
            Assert.Skip(Unavailable);
        }

        return Services;
    }

    public async Task<Caller> CallerAsync(string channelUserId) =>
        (await Require().Get<DirectoryService>().ResolveAsync(null, channelUserId, TestContext.Current.CancellationToken))!;
}

[CollectionDefinition(Name)]
public sealed class EnablementCorpusCollection : ICollectionFixture<EnablementCorpusFixture>
{
    public const string Name = "Enablement corpus";
}
