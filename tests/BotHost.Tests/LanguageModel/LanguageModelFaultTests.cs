using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using PartnerAssistant.Conversation.LanguageModel;

namespace BotHost.Tests.LanguageModel;

/// <summary>The host and a loopback model endpoint shared by the fault tests (one retry, a two-second budget per answer).</summary>
public sealed class FaultyModelHost : IAsyncLifetime
{
    public FakeChatModelServer Model { get; private set; } = null!;
    public BotHostInstance Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Model = await FakeChatModelServer.StartAsync();
        var settings = Model.Settings();
        settings["AzureOpenAI:MaxRetries"] = "1";
        settings["AzureOpenAI:Timeout"] = "00:00:02";
        Host = await BotHostInstance.StartAsync(settings);
        Client = Host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Model.DisposeAsync();
    }
}

/// <summary>
/// Every way the model endpoint breaks — error statuses after the bounded retries, Retry-After, timeouts, bodies that
/// are cut off, HTML, empty or without a choice, dropped connections, a server that is down — ends the same way for
/// the person: "the language model isn't answering; here is what I can tell without it" and the offline answer,
/// never an apology with a reference.
/// </summary>
public sealed class LanguageModelFaultTests(FaultyModelHost fixture) : IClassFixture<FaultyModelHost>
{
    private const string OfflineAnswer = "You are **Priya Patel**";

    public static TheoryData<EndpointFault> Unavailable =>
    [
        EndpointFault.Truncated, EndpointFault.Html, EndpointFault.EmptyBody, EndpointFault.NoChoices, EndpointFault.ClosedConnection,
        EndpointFault.ServerError, EndpointFault.UnavailableWithRetryAfter, EndpointFault.NeverAnswers,
    ];

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task BrokenEndpoint_SaysTheModelIsNotAnswering_AndAnswersOffline(EndpointFault fault)
    {
        fixture.Model.Reset();
        fixture.Model.WhenScriptEnds(m => m.Broken(fault));

        var text = await AskAsync(fixture.Client, "who am I?");

        Assert.StartsWith(LanguageModelOutcome.UnavailableMessage + " Here is what I can tell without it:", text);
        Assert.Contains(OfflineAnswer, text);
        Assert.DoesNotContain("something went wrong", text);
        // One request and at most the one retry configured: never an unbounded loop.
        Assert.InRange(fixture.Model.Requests.Count, 1, 2);
    }

    [Fact]
    public async Task RateLimitedBeyondTheRetries_SaysBusy_AndAnswersOffline()
    {
        fixture.Model.Reset();
        fixture.Model.WhenScriptEnds(m => m.Broken(EndpointFault.RateLimited));

        var text = await AskAsync(fixture.Client, "who am I?");

        Assert.StartsWith(LanguageModelOutcome.BusyMessage + " Here is what I can tell without it:", text);
        Assert.Contains(OfflineAnswer, text);
        Assert.Equal(2, fixture.Model.Requests.Count);
    }

    [Fact]
    public async Task BrokenAnswerAfterAToolCall_StillFallsBackOffline()
    {
        fixture.Model.Reset();
        fixture.Model.CallTools(("Help-Profile", new { })).Break(EndpointFault.Truncated).WhenScriptEnds(m => m.Broken(EndpointFault.Truncated));

        var text = await AskAsync(fixture.Client, "who am I?");

        Assert.StartsWith(LanguageModelOutcome.UnavailableMessage, text);
        Assert.Contains(OfflineAnswer, text);
    }

    [Fact]
    public async Task ServerDown_SaysTheModelIsNotAnswering_AndAnswersOffline()
    {
        // Nothing listens on the endpoint's port.
        var settings = fixture.Model.Settings();
        settings["AzureOpenAI:Endpoint"] = $"http://127.0.0.1:{BotHostInstance.FreePort()}/";
        settings["AzureOpenAI:MaxRetries"] = "1";
        await using var host = await BotHostInstance.StartAsync(settings);
        using var client = host.CreateClient();

        var text = await AskAsync(client, "who am I?");

        Assert.StartsWith(LanguageModelOutcome.UnavailableMessage + " Here is what I can tell without it:", text);
        Assert.Contains(OfflineAnswer, text);
    }

    private static async Task<string> AskAsync(HttpClient client, string text)
    {
        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message(text, conversation: "a:fault-" + Guid.NewGuid().ToString("N")[..8], expectReplies: true)));
        return Assert.Single(replies.OfType<JsonObject>(), r => r["type"]?.GetValue<string>() == "message")["text"]!.GetValue<string>();
    }
}
