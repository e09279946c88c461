using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.Tests.Infrastructure;

namespace BotHost.Tests.Trust;

/// <summary>
/// The erasure proof: a demo person who used every channel is erased through the admin API, and then neither any
/// table of the database (SQLite, and PostgreSQL through the test fixture) nor any file under the data folder, read
/// byte by byte, holds their name, ids or e-mail. The same search first finds them, so it can fail.
/// </summary>
public sealed class ErasureProofTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Erase_DemoPersonWhoUsedEveryChannel_LeavesNoTraceInAnyTableOrFileButTheBusinessRecordsStay(string provider)
    {
        var settings = new Dictionary<string, string?>();
        string? postgres = null;
        if (provider == "Postgres")
        {
            var server = await PostgresServer.GetAsync();
            if (server.Unavailable is not null)
            {
                Assert.Skip(server.Unavailable);
            }

            postgres = await server.CreateDatabaseAsync("proof");
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = postgres;
        }

        // He was active a moment ago; with no wait the final pass runs at once, so the proof can follow the request.
        settings["Privacy:ErasureFinalPassAfter"] = "00:00:00";
        await using var host = await BotHostInstance.StartAsync(settings);
        using var http = host.CreateClient();
        await TrustScenario.GiveLukasAHistoryAsync(host, http);
        var before = await PersonSearch.FindAsync(host.DataFolder, postgres, TrustScenario.Needles);
        var (registrationsBefore, evidenceBefore) = await BusinessRecordsAsync(host);

        using var response = await http.PostAsync($"/api/admin/directory/people/{TrustScenario.PersonId}/erase", null, Ct);
        var erasure = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var after = await PersonSearch.FindAsync(host.DataFolder, postgres, TrustScenario.Needles);

        Assert.True(response.StatusCode == HttpStatusCode.OK, erasure?.ToJsonString());
        Assert.Equal("completed", erasure!["state"]!.GetValue<string>());
        foreach (var place in new[] { "directline_activities", "deal_registrations", "deal_decisions", "knowledge_feedback", "program_certifications", "program_psat_responses" })
        {
            Assert.Contains(before, hit => hit.Contains(place, StringComparison.Ordinal));
        }

        Assert.True(after.Count == 0, "Still found after the erasure:\n" + string.Join("\n", after));
        var pseudonym = erasure["pseudonym"]!.GetValue<string>();
        var (registrationsAfter, evidenceAfter) = await BusinessRecordsAsync(host);
        Assert.Equal(registrationsBefore, registrationsAfter);
        Assert.Equal(evidenceBefore, evidenceAfter);
        await using var scope = host.Services.CreateAsyncScope();
        var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        Assert.True(await deals.Registrations.CountAsync(r => r.SubmittedBy == pseudonym, Ct) >= 2);
        var evidence = await scope.ServiceProvider.GetRequiredService<ProgramDbContext>().Documents.SingleAsync(d => d.FileName == "attendance.pdf", Ct);
        Assert.Equal(pseudonym, evidence.UploadedBy);
        Assert.Equal(TrustScenario.EvidencePdf, await File.ReadAllBytesAsync(Path.Combine(host.DataFolder, evidence.StoredPath), Ct));
    }

    /// <summary>How many registrations there are, and the evidence files kept: an erasure must not lose either.</summary>
    private static async Task<(int Registrations, int Evidence)> BusinessRecordsAsync(BotHostInstance host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<DealsDbContext>().Registrations.CountAsync(Ct),
            await scope.ServiceProvider.GetRequiredService<ProgramDbContext>().Documents.CountAsync(Ct));
    }
}
