using PartnerAssistant.Knowledge;
using PartnerAssistant.Tests.Conversation;
using PartnerAssistant.Tests.Knowledge;

namespace PartnerAssistant.Tests.Trust;

/// <summary>
/// The trusted-data requests as a person types them, through <see cref="PartnerAssistant.Conversation.AssistantBot"/>
/// and its conversation router (no language model): "what data do you hold about me?" and "why did you say that?"
/// must reach the Trust plugin, not the knowledge base, which would answer them from the privacy documents.
/// </summary>
[Collection(EnablementCorpusCollection.Name)]
public sealed class TrustChatTurnTests(EnablementCorpusFixture corpus)
{
    [Theory]
    [InlineData("what data do you hold about me?")]
    [InlineData("give me a copy of my personal data")]
    public async Task WhatDataDoYouHoldAboutMe_Partner_GetsTheSummaryCardOfTheirOwnData(string request)
    {
        var priya = new AssistantChat(corpus.Require(), "demo-partner", "mydata-" + Guid.NewGuid().ToString("N"), oneToOne: true);

        var shown = AssistantChat.Shown(await priya.SendAsync(request));

        Assert.Contains("Here is what I hold about you.", shown);
        Assert.Contains("What Partner Assistant holds about Priya Patel", shown);
        Assert.Contains("directory export-person priya-patel", shown);
        Assert.DoesNotContain("Here is what the enablement documents say", shown);
    }

    [Fact]
    public async Task WhatDataDoYouHoldAboutMe_InAGroupChat_ShowsNothingAndAsksForAOneToOneChat()
    {
        var priya = new AssistantChat(corpus.Require(), "demo-partner", "19:mydata-group-" + Guid.NewGuid().ToString("N"));

        var shown = AssistantChat.Shown(await priya.SendAsync("what data do you hold about me?"));

        Assert.Equal("I show personal data only in a one-to-one chat, since everyone here would see it. Message me directly and ask again.", shown.Trim());
    }

    [Fact]
    public async Task WhyDidYouSayThat_AfterAKnowledgeAnswer_NamesEachCitedDocumentVersion()
    {
        var services = corpus.Require();
        var priya = new AssistantChat(services, "demo-partner", "19:why-" + Guid.NewGuid().ToString("N"));
        var document = (await services.Get<KnowledgeRegistry>().FindDocumentAsync("enablement", "program/registration-protection.md", TestContext.Current.CancellationToken))!;

        var answer = AssistantChat.Shown(await priya.SendAsync("how long is an approved deal registration protected?"));
        var why = AssistantChat.Shown(await priya.SendAsync("why did you say that?"));

        Assert.Contains("Here is what the enablement documents say", answer);
        Assert.Contains("came from these document versions", why);
        Assert.Contains($"`program/registration-protection.md`, version {document.ContentHash[..12]}): still current", why);
    }

    [Fact]
    public async Task WhyDidYouSayThat_FirstThingInAConversation_SaysThereIsNothingToTraceYet()
    {
        var sam = new AssistantChat(corpus.Require(), "demo-sales", "19:why-first-" + Guid.NewGuid().ToString("N"));

        var why = AssistantChat.Shown(await sam.SendAsync("why did you say that?"));

        Assert.StartsWith("I haven't given an answer in this conversation that I can trace yet.", why);
    }
}
