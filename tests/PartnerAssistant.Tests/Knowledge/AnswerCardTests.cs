using System.Text.Json.Nodes;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge;

public sealed class AnswerCardTests
{
    private static readonly KnowledgeAnswer Answer = new(
        "q123",
        "how long is a registration protected?",
        true,
        "An approved registration is protected for 90 days from approval. [1] You can extend it once by 45 days. [2]",
        [
            new Citation(1, "program/registration-protection.md", "Registration protection", "How long protection lasts", "https://partners.northbeam.example/docs/registration-protection#how-long-protection-lasts"),
            new Citation(2, "reference/faq.md", "FAQ", "", null),
        ],
        ["Tell me about extensions (Registration protection)", "What happens when a registration expires?"],
        0.67);

    [Fact]
    public void Build_Answer_ShowsNumberedCitationsThatOpenTheSection()
    {
        var card = AnswerCard.Build(Answer);
        var body = card["body"]!.AsArray();

        Assert.Equal(Answer.Text, body[1]!["text"]!.GetValue<string>());
        var citations = body.Where(e => e!["type"]!.GetValue<string>() == "Container").ToList();
        Assert.Equal(2, citations.Count);
        Assert.Equal("[1] [Registration protection › How long protection lasts](https://partners.northbeam.example/docs/registration-protection#how-long-protection-lasts)", citations[0]!["items"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("Action.OpenUrl", citations[0]!["selectAction"]!["type"]!.GetValue<string>());
        Assert.Equal("https://partners.northbeam.example/docs/registration-protection#how-long-protection-lasts", citations[0]!["selectAction"]!["url"]!.GetValue<string>());
        Assert.Equal("[2] FAQ", citations[1]!["items"]![0]!["text"]!.GetValue<string>());
        Assert.Null(citations[1]!["selectAction"]);
    }

    [Fact]
    public void Build_Answer_OffersThumbsUpAndThumbsDownWithAnOptionalReason()
    {
        var actions = AnswerCard.Build(Answer)["actions"]!.AsArray();

        var up = actions[0]!;
        Assert.Equal(("Action.Submit", "Knowledge.Feedback", "q123", true), (up["type"]!.GetValue<string>(), up["data"]!["action"]!.GetValue<string>(), up["data"]!["questionId"]!.GetValue<string>(), up["data"]!["helpful"]!.GetValue<bool>()));
        var down = actions[1]!;
        Assert.Equal("Action.ShowCard", down["type"]!.GetValue<string>());
        var reason = down["card"]!["body"]![0]!;
        Assert.Equal(("Input.Text", "reason", (bool?)null), (reason["type"]!.GetValue<string>(), reason["id"]!.GetValue<string>(), reason["isRequired"]?.GetValue<bool>()));
        var send = down["card"]!["actions"]![0]!["data"]!;
        Assert.Equal(("Knowledge.Feedback", "q123", false), (send["action"]!.GetValue<string>(), send["questionId"]!.GetValue<string>(), send["helpful"]!.GetValue<bool>()));
    }

    [Fact]
    public void Build_Answer_FollowUpQuestionsAskThemselvesWhenClicked()
    {
        var actionSet = AnswerCard.Build(Answer)["body"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "ActionSet")!;

        Assert.Equal(
            [("Tell me about extensions (Registration protection)", "Knowledge.Ask"), ("What happens when a registration expires?", "Knowledge.Ask")],
            actionSet["actions"]!.AsArray().Select(a => (a!["data"]!["question"]!.GetValue<string>(), a["data"]!["action"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Build_Answer_IsAValidAdaptiveCard15()
    {
        var schemaPath = SharedSchemas.Require("adaptive-card-1.5.json");
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(schemaPath, TestContext.Current.CancellationToken);

        var errors = schema.Validate(AnswerCard.Build(Answer).ToJsonString());

        Assert.Empty(errors.Select(e => $"{e.Path} {e.Kind}"));
    }
}
