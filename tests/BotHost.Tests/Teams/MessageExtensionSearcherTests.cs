using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace BotHost.Tests.Teams;

public sealed class MessageExtensionSearcherTests
{
    private static readonly Caller Priya = new(
        new Person { Id = "priya-patel", ChannelUserId = "demo-partner", DisplayName = "Priya Patel", OrganisationId = "bluewave", Role = Role.PartnerUser },
        new Organisation { Id = "bluewave", Name = "Bluewave Solutions" });

    private sealed class Source(string name, Func<CancellationToken, Task<IReadOnlyList<SearchResultItem>>> search) : IMessageExtensionSearch
    {
        public string Name => name;

        public Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken) => search(cancellationToken);
    }

    private static SearchResultItem Item(string title, double relevance) => new(title, "", new JsonObject(), relevance);

    [Fact]
    public async Task SearchAsync_SourceStillRunningWhenTheBudgetEnds_IsLeftOutAndTheOthersAnswer()
    {
        var time = new FakeTimeProvider();
        var stuck = new TaskCompletionSource<IReadOnlyList<SearchResultItem>>();
        var searcher = new MessageExtensionSearcher(
        [
            new Source("fast", _ => Task.FromResult<IReadOnlyList<SearchResultItem>>([Item("fast result", 0.5)])),
            new Source("stuck", _ => stuck.Task),
        ], time, NullLogger<MessageExtensionSearcher>.Instance);

        var search = searcher.SearchAsync(Priya, "x", 0, 25, TestContext.Current.CancellationToken);
        Assert.False(search.IsCompleted);
        time.Advance(MessageExtensionSearcher.Budget);
        var results = await search.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["fast result"], results.Select(r => r.Title));
    }

    [Fact]
    public async Task SearchAsync_SourceThrows_IsLeftOutAndTheOthersAnswer()
    {
        var searcher = new MessageExtensionSearcher(
        [
            new Source("broken", _ => throw new InvalidOperationException("index offline")),
            new Source("fine", _ => Task.FromResult<IReadOnlyList<SearchResultItem>>([Item("fine result", 0.5)])),
        ], TimeProvider.System, NullLogger<MessageExtensionSearcher>.Instance);

        var results = await searcher.SearchAsync(Priya, "x", 0, 25, TestContext.Current.CancellationToken);

        Assert.Equal(["fine result"], results.Select(r => r.Title));
    }

    [Fact]
    public async Task SearchAsync_EqualRelevance_KeepsEachSourcesOrderAndInterleavesByRank()
    {
        var searcher = new MessageExtensionSearcher(
        [
            new Source("a", _ => Task.FromResult<IReadOnlyList<SearchResultItem>>([Item("a1", 0), Item("a2", 0)])),
            new Source("b", _ => Task.FromResult<IReadOnlyList<SearchResultItem>>([Item("b1", 0), Item("b2", 0)])),
        ], TimeProvider.System, NullLogger<MessageExtensionSearcher>.Instance);

        var results = await searcher.SearchAsync(Priya, "x", 1, 2, TestContext.Current.CancellationToken);

        Assert.Equal(["b1", "a2"], results.Select(r => r.Title));
    }
}
