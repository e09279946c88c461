using System.Text.Json.Nodes;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Infrastructure;
using PartnerAssistant.Tests.Knowledge;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Tests.Trust;

/// <summary>Every knowledge answer records the document versions it cited; "why did you say that?" shows them and whether they changed since.</summary>
[Collection(EnablementCorpusCollection.Name)]
public sealed class KnowledgeAnswerProvenanceTests(EnablementCorpusFixture corpus)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AskThenWhy_CoveredQuestion_RecordsEachCitedDocumentsContentHashAndShowsItCurrent()
    {
        var services = corpus.Require();
        var priya = (await services.Get<DirectoryService>().FindByPersonIdAsync("priya-patel", Ct))!;
        var (kernel, state) = TestTurns.Create(priya, "how long is an approved deal registration protected?");

        await services.Get<KnowledgePlugin>().AskAsync(kernel, "how long is an approved deal registration protected?", cancellationToken: Ct);
        var recorded = Assert.Single(await services.Get<ProvenanceLog>().LatestAsync(state, Ct));
        var citations = recorded.Details["citations"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var protection = citations.First(c => c["source"]!.GetValue<string>() == "program/registration-protection.md");
        var document = (await services.Get<KnowledgeRegistry>().FindDocumentAsync("enablement", "program/registration-protection.md", Ct))!;
        var why = await services.Get<TrustPlugin>().WhyAsync(TestTurns.Create(priya, "why did you say that?", state).Kernel, Ct);

        Assert.Equal(ProvenanceKinds.KnowledgeAnswer, recorded.Kind);
        Assert.True(recorded.Details["answered"]!.GetValue<bool>());
        Assert.Equal(document.ContentHash, protection["contentHash"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{16,}$", document.ContentHash);
        Assert.Contains($"`program/registration-protection.md`, version {document.ContentHash[..12]}): still current", why.Text);
        Assert.DoesNotContain("priya", recorded.Details.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Why_AnswerCitedAnOlderVersion_SaysTheDocumentWasUpdatedSince()
    {
        var services = corpus.Require();
        var priya = (await services.Get<DirectoryService>().FindByPersonIdAsync("priya-patel", Ct))!;
        var (kernel, state) = TestTurns.Create(priya, "what is MDF?");
        var current = (await services.Get<KnowledgeRegistry>().FindDocumentAsync("enablement", "program/registration-protection.md", Ct))!;
        var citation = new JsonObject { ["number"] = 1, ["source"] = current.Source, ["title"] = current.Title, ["section"] = "", ["contentHash"] = "0123456789abcdef" };
        await services.Get<ProvenanceLog>().RecordAsync(kernel.GetTurn(), ProvenanceKinds.KnowledgeAnswer, "q-old", new JsonObject { ["answered"] = true, ["citations"] = new JsonArray(citation) }, Ct);

        var why = await services.Get<TrustPlugin>().WhyAsync(TestTurns.Create(priya, "why?", state).Kernel, Ct);

        Assert.Contains($"version 0123456789ab): since updated to version {current.ContentHash[..12]}", why.Text);
    }
}
