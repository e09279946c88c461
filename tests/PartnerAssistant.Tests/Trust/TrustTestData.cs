using PartnerAssistant.Knowledge;
using PartnerAssistant.Tests.Deals;

namespace PartnerAssistant.Tests.Trust;

/// <summary>Personal data the trusted-data tests add on top of the demo data.</summary>
internal static class TrustTestData
{
    /// <summary>A question in the knowledge question log, as the answer service records it; returns its id.</summary>
    public static async Task<string> AskAsync(DealsTestHost host, string personId, string question, long? askedAtMs = null)
    {
        var caller = await host.CallerAsync(personId);
        var id = Guid.NewGuid().ToString("N");
        await host.Services.Get<KnowledgeRegistry>().RecordQuestionAsync(new KnowledgeQuestionRow
        {
            Id = id,
            Collection = "enablement",
            AskedAtMs = askedAtMs ?? host.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            PersonId = personId,
            OrganisationId = caller.OrganisationId,
            Internal = caller.IsInternal,
            Question = question,
            Answered = true,
            BestSimilarity = 0.6,
            Sources = "program/mdf.md",
        }, TestContext.Current.CancellationToken);
        return id;
    }
}
