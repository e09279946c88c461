using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.DirectLine;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.Knowledge;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace BotHost.Tests.Trust;

/// <summary>
/// Lukas Meyer (Keystone, partner user, channel id <c>demo-partner-2</c>) using the product the ways a person does:
/// Web Chat (greeting, a knowledge question, feedback naming himself, an uploaded file with his name in it, asking
/// what is held about him), a deal registration a channel manager approves with a reason that names him, evidence
/// for an MDF claim; and a channel manager asking in her own chat what is held about him. The demo data adds his
/// older registrations, an MDF request, a certification and PSAT answers.
/// </summary>
public static class TrustScenario
{
    public const string PersonId = "lukas-meyer";
    public const string ChannelUserId = "demo-partner-2";

    /// <summary>What must be gone after the erasure: his ids, name and address.</summary>
    public static readonly IReadOnlyList<string> Needles = ["Lukas Meyer", PersonId, ChannelUserId, "lukas.meyer@keystone.example"];

    public static readonly byte[] EvidencePdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% attendance sheet: 42 attendees, Edge AI breakfast, Munich\n%%EOF\n");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs the scenario; returns Lukas's Web Chat client (his token still in hand).</summary>
    public static async Task<DirectLineClient> GiveLukasAHistoryAsync(BotHostInstance host, HttpClient http)
    {
        var services = host.Services;
        var lukas = await DirectLineClient.StartAsync(http, ChannelUserId);
        await lukas.PollAsync();
        await lukas.SayAsync("hello");
        await lukas.SayAsync("what does the program expect from an ISV partner?");
        var question = (await services.GetRequiredService<KnowledgeRegistry>().UnansweredSinceAsync(0, Ct)).Select(q => q.Question).Single(q => q.PersonId == PersonId);
        await lukas.PressAsync(new JsonObject { ["action"] = "Knowledge.Feedback", ["questionId"] = question.Id, ["helpful"] = "false", ["reason"] = "Lukas Meyer needed the ISV catering rule" });
        var (uploaded, _) = await lukas.UploadAsync("my notes for the event", ("notes.txt", "text/plain", Encoding.UTF8.GetBytes("Event notes prepared by Lukas Meyer <lukas.meyer@keystone.example>")));
        Assert.Equal(HttpStatusCode.OK, uploaded);
        await lukas.SayAsync("what data do you hold about me?");
        Assert.Contains(await lukas.BotMessagesSinceLastPollAsync(), m => m.ToJsonString().Contains("What Partner Assistant holds about Lukas Meyer", StringComparison.Ordinal));

        var maya = await DirectLineClient.StartAsync(http, "demo-manager");
        await maya.PollAsync();
        await maya.SayAsync("what data do you hold about Lukas Meyer?");
        Assert.Contains(await maya.BotMessagesSinceLastPollAsync(), m => m.ToJsonString().Contains("lukas.meyer@keystone.example", StringComparison.Ordinal));

        var directory = services.GetRequiredService<DirectoryService>();
        var lukasCaller = (await directory.FindByPersonIdAsync(PersonId, Ct))!;
        var mayaCaller = (await directory.FindByPersonIdAsync("maya-chen", Ct))!;
        var registry = services.GetRequiredService<DealRegistry>();
        var registered = await registry.RegisterAsync(lukasCaller, new RegistrationRequest
        {
            Customer = "Wingtip Toys",
            Opportunity = "Wingtip Toys – edge pilot",
            Products = Products.EdgeRuntime,
            Amount = 120_000m,
            Currency = "USD",
            ExpectedClose = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(4),
            Role = PartnerRole.Integration,
            SubmissionKey = Guid.NewGuid().ToString("N"),
        }, Ct);
        await registry.DecideAsync(mayaCaller, registered.Registration.Number, approve: true, "Confirmed with Lukas Meyer (lukas.meyer@keystone.example) on a call.", null, Ct);
        await services.GetRequiredService<ProgramDocuments>().StoreAsync("keystone", "mdf-claim:MDF-2", new UploadedFile("attendance.pdf", "application/pdf", EvidencePdf), PersonId, Ct);

        // The registration's review card to the channel managers and the decision to Lukas go out in the background;
        // they are part of his history, delivered before anyone asks for it. (A notice still queued when he is erased
        // lands after the first pass; the final pass after Privacy:ErasureFinalPassAfter is what removes it.)
        await services.GetRequiredService<DealNotifier>().WhenIdleAsync(Ct);
        return lukas;
    }
}
