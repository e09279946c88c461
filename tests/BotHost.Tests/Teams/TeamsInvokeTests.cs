using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using BotHost.Tests.Infrastructure.Cards;

namespace BotHost.Tests.Teams;

/// <summary>The invokes Teams sends beyond messages, answered in the HTTP response as Teams expects.</summary>
public sealed class TeamsInvokeTests(TeamsHostFixture fixture) : IClassFixture<TeamsHostFixture>
{
    private static string NewConversation() => "a:" + Guid.NewGuid().ToString("N");

    private async Task<(HttpStatusCode Status, JsonObject? Body)> InvokeAsync(string name, JsonNode value, string from = "demo-partner", string? conversation = null, string? replyToId = null)
    {
        var invoke = Activities.Base("invoke", from: from, serviceUrl: fixture.Channel.ServiceUrl, conversation: conversation ?? NewConversation());
        invoke["name"] = name;
        invoke["value"] = value;
        if (replyToId is not null)
        {
            invoke["replyToId"] = replyToId;
        }

        var response = await Activities.PostAsync(fixture.Client, invoke, fixture.Channel.ChannelToken());
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    private static JsonObject Query(string query, int skip = 0, int count = 25, bool initialRun = false) => new()
    {
        ["commandId"] = "search",
        ["parameters"] = new JsonArray(initialRun
            ? new JsonObject { ["name"] = "initialRun", ["value"] = "true" }
            : new JsonObject { ["name"] = "query", ["value"] = query }),
        ["queryOptions"] = new JsonObject { ["skip"] = skip, ["count"] = count },
    };

    private static List<string> Titles(JsonObject? body) =>
        body!["composeExtension"]!["attachments"]!.AsArray().Select(a => a!["preview"]!["content"]!["title"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task ComposeExtensionQuery_MergesArticlesAndTheCallersOwnRegistrations_ByRelevance()
    {
        var (status, body) = await InvokeAsync("composeExtension/query", Query("deal"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("result", body!["composeExtension"]!["type"]!.GetValue<string>());
        // Bluewave's two registrations (0.95, 0.55) among the two "deal" articles (0.9, 0.8); Keystone's DR-1002 never.
        Assert.Equal(["DR-1001 deal registration", "Deal registration rules", "Deal registration extensions", "DR-1003 deal registration"], Titles(body));
        foreach (var attachment in body["composeExtension"]!["attachments"]!.AsArray())
        {
            Assert.Equal(AdaptiveCardValidator.ContentType, attachment!["contentType"]!.GetValue<string>());
            AdaptiveCardValidator.AssertCardValid(attachment["content"]!, "a search result");
        }
    }

    [Fact]
    public async Task ComposeExtensionQuery_AnotherOrganisation_SeesOnlyItsOwnRegistrations()
    {
        var (_, body) = await InvokeAsync("composeExtension/query", Query("DR-"), from: "demo-partner-2");

        Assert.Equal(["DR-1002 deal registration"], Titles(body));
    }

    [Fact]
    public async Task ComposeExtensionQuery_Paged_SkipAndCountSliceTheMergedList()
    {
        var (_, all) = await InvokeAsync("composeExtension/query", Query("", initialRun: true));
        var (_, page2) = await InvokeAsync("composeExtension/query", Query("", skip: 2, count: 3, initialRun: true));

        var everything = Titles(all);
        Assert.Equal(7, everything.Count);
        Assert.Equal(everything.Skip(2).Take(3), Titles(page2));
    }

    [Fact]
    public async Task ComposeExtensionQuery_UnknownUser_GetsAMessageInsteadOfResults()
    {
        var (status, body) = await InvokeAsync("composeExtension/query", Query("deal"), from: "someone-unknown");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("message", body!["composeExtension"]!["type"]!.GetValue<string>());
        Assert.Contains("not registered", body["composeExtension"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task TaskFetch_OpensTheDialogsCard_AsATaskModule()
    {
        var (status, body) = await InvokeAsync("task/fetch", new JsonObject
        {
            ["data"] = new JsonObject { ["dialog"] = "showcase.order", ["kit"] = "vision", ["msteams"] = new JsonObject { ["type"] = "task/fetch" } },
            ["context"] = new JsonObject { ["theme"] = "default" },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var task = body!["task"]!;
        Assert.Equal("continue", task["type"]!.GetValue<string>());
        Assert.Equal("Order a sample kit", task["value"]!["title"]!.GetValue<string>());
        var card = task["value"]!["card"]!;
        Assert.Equal(AdaptiveCardValidator.ContentType, card["contentType"]!.GetValue<string>());
        AdaptiveCardValidator.AssertCardValid(card["content"]!, "the task module");
        Assert.Contains("Order the vision kit", card["content"]!.ToJsonString());
        // The dialog's own submit button names the dialog, so task/submit finds it.
        var submit = card["content"]!["actions"]![0]!;
        Assert.Equal("showcase.order", submit["data"]!["dialog"]!.GetValue<string>());
    }

    [Fact]
    public async Task TaskSubmit_Incomplete_ShowsTheFormAgainWithTheProblem()
    {
        var (_, body) = await InvokeAsync("task/submit", new JsonObject { ["data"] = new JsonObject { ["dialog"] = "showcase.order", ["kit"] = "vision", ["customer"] = " " } });

        Assert.Equal("continue", body!["task"]!["type"]!.GetValue<string>());
        Assert.Contains("Name the customer", body["task"]!["value"]!["card"]!["content"]!.ToJsonString());
    }

    [Fact]
    public async Task TaskSubmit_Complete_ClosesTheDialogAndPostsTheResultIntoTheConversation()
    {
        var conversation = NewConversation();

        var (status, body) = await InvokeAsync("task/submit", new JsonObject { ["data"] = new JsonObject { ["dialog"] = "showcase.order", ["kit"] = "vision", ["customer"] = "Contoso" } }, conversation: conversation);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body);
        var posted = Assert.Single(fixture.Channel.Delivered, c => c.Path.Contains(conversation, StringComparison.Ordinal));
        Assert.Equal("Ordered the vision kit for Contoso, requested by Priya Patel.", posted.Text);
    }

    [Fact]
    public async Task TaskFetch_UnknownDialog_AnswersWithAMessage()
    {
        var (_, body) = await InvokeAsync("task/fetch", new JsonObject { ["data"] = new JsonObject { ["dialog"] = "no.such.dialog" } });

        Assert.Equal("message", body!["task"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignInVerifyState_WithoutSso_Is404()
    {
        var (status, body) = await InvokeAsync("signin/verifyState", new JsonObject { ["state"] = "305238" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Null(body);
    }

    [Fact]
    public async Task SignInTokenExchange_WithoutSso_Is412WithTheRequestIdAndConnection()
    {
        var (status, body) = await InvokeAsync("signin/tokenExchange", new JsonObject { ["id"] = "exchange-17", ["connectionName"] = "graph", ["token"] = "eyJhbGciOi.sso.token" });

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("exchange-17", body!["id"]!.GetValue<string>());
        Assert.Equal("graph", body["connectionName"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["failureDetail"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AdaptiveCardAction_ReplacesTheCardForThePresser_AndUpdatesTheMessageForEveryone()
    {
        var conversation = NewConversation();

        var (status, body) = await InvokeAsync("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "Showcase.Approve", ["data"] = new JsonObject { ["item"] = "SK-7" } },
        }, from: "demo-manager", conversation: conversation, replyToId: "card-message-9");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AdaptiveCardValidator.ContentType, body!["type"]!.GetValue<string>());
        AdaptiveCardValidator.AssertCardValid(body["value"]!, "the Action.Execute response");
        Assert.Contains("Approved by Maya Chen", body["value"]!.ToJsonString());
        var update = Assert.Single(fixture.Channel.Delivered, c => c.Path.Contains(conversation, StringComparison.Ordinal));
        Assert.Equal("PUT", update.Method);
        Assert.Equal($"/v3/conversations/{conversation}/activities/card-message-9", update.Path);
        Assert.Contains("Approved by Maya Chen", update.Activity!.ToJsonString());
    }

    [Fact]
    public async Task Message_ShowcaseRequest_CardWithExecuteAndDialogButtonsIsValid()
    {
        var message = Activities.Message(Showcase.Utterance, serviceUrl: fixture.Channel.ServiceUrl, conversation: NewConversation(), expectReplies: true);

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(fixture.Client, message, fixture.Channel.ChannelToken()));

        var card = Assert.Single(AdaptiveCardValidator.CardsOf(Assert.Single(replies)));
        var actions = card["actions"]!.AsArray().Select(a => a!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["Action.Execute", "Action.Submit"], actions);
        Assert.Equal("task/fetch", card["actions"]![1]!["data"]!["msteams"]!["type"]!.GetValue<string>());
    }
}
