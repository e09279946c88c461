using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Deals;

/// <summary>The deals admin API, a registration turn through /api/messages, and the deals command line, on the real host.</summary>
public sealed class DealsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminApi_LocalAdministrator_ReadsRegistrationsAttributionAndRevenue()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var dr1042 = await client.GetFromJsonAsync<JsonObject>("/api/admin/deals/registrations/DR-1042", Ct);
        var attribution = await client.GetFromJsonAsync<JsonObject>("/api/admin/deals/attribution?model=shapley&deal=DR-1032", Ct);
        var revenue = await client.GetFromJsonAsync<JsonObject>("/api/admin/deals/revenue?model=linear", Ct);
        var badModel = await client.GetAsync("/api/admin/deals/attribution?model=magic", Ct);
        var missing = await client.GetAsync("/api/admin/deals/registrations/DR-9999", Ct);

        Assert.Equal(("bluewave", "Approved"), (dr1042!["partnerId"]!.GetValue<string>(), dr1042["status"]!.GetValue<string>()));
        var credits = attribution!["credits"]!.AsArray().Sum(c => c!["credit"]!.GetValue<decimal>());
        Assert.Equal(attribution["revenue"]!.GetValue<decimal>(), credits);
        Assert.Equal(6, revenue!["partnerTypes"]!.AsArray().Count);
        Assert.All(revenue["partners"]!.AsArray(), p => Assert.NotNull(p!["ropi"]));
        Assert.Equal(HttpStatusCode.BadRequest, badModel.StatusCode);
        Assert.Contains("not an attribution model", await badModel.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AdminApi_InvestmentAndCsv_RoundTrip()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var put = await client.PutAsJsonAsync("/api/admin/deals/investments",
            new { partnerId = "harbor", periodStart = "2025-01-01", periodEnd = "2025-12-31", mdf = 1000, rebates = 0, enablement = 500 }, Ct);
        var investments = await client.GetFromJsonAsync<JsonArray>("/api/admin/deals/investments?partner=harbor", Ct);
        var csv = await client.GetStringAsync("/api/admin/deals/export", Ct);
        var outcome = csv.Split("\r\n").First(l => l.StartsWith("DR-1042,", StringComparison.Ordinal)).Replace(",approved,", ",lost,", StringComparison.Ordinal);
        var import = await client.PostAsync("/api/admin/deals/import?source=crm-test",
            new StringContent(csv.Split("\r\n")[0] + "\r\n" + outcome + "\r\n", Encoding.UTF8, "text/csv"), Ct);
        var report = await import.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var dr1042 = await client.GetFromJsonAsync<JsonObject>("/api/admin/deals/registrations/DR-1042", Ct);
        var audit = await client.GetFromJsonAsync<JsonArray>("/api/admin/deals/audit?number=DR-1042", Ct);

        put.EnsureSuccessStatusCode();
        Assert.Contains(investments!, i => i!["periodStart"]!.GetValue<string>() == "2025-01-01" && i["enablement"]!.GetValue<decimal>() == 500);
        Assert.StartsWith("number,partner_id,", csv);
        Assert.Equal(45, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(1, report!["updated"]!.GetValue<int>());
        Assert.Equal("Lost", dr1042!["status"]!.GetValue<string>());
        Assert.Contains(audit!, a => a!["action"]!.GetValue<string>() == "outcome" && a["actor"]!.GetValue<string>() == "local-admin" && a["reason"]!.GetValue<string>().Contains("crm-test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MessagesEndpoint_RegisterSubmitConfirm_CreatesTheRegistrationAndAnswersWithItsNumber()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var form = (await TurnAsync(client, "m1", text: "register a deal for Contoso, Azure migration, about 250k, closing in March"))["attachments"]![0]!["content"]!;
        var submit = form["actions"]![0]!["data"]!.AsObject();
        var values = new JsonObject
        {
            ["action"] = submit["action"]!.GetValue<string>(),
            ["submissionKey"] = submit["submissionKey"]!.GetValue<string>(),
            ["customer"] = "Contoso",
            ["opportunity"] = "Azure migration",
            ["products"] = "cloud-migration",
            ["amount"] = "250000",
            ["currency"] = "USD",
            ["expectedClose"] = DateTime.UtcNow.AddMonths(4).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["role"] = "integration",
        };
        var confirm = await TurnAsync(client, "m2", value: values);
        var done = await TurnAsync(client, "m3", text: "yes");
        var retried = await TurnAsync(client, "m4", value: values);

        Assert.Contains("Please confirm: register Azure migration for Contoso", confirm["attachments"]![0]!["content"]!.ToJsonString());
        Assert.StartsWith("Registered as **DR-1045**", done["text"]!.GetValue<string>());
        Assert.Contains("already registered as **DR-1045**", retried["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task CommandLine_ExportAndAttribution_WriteToStandardOutput()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pa-cli-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var (exportCode, csv, _) = await RunCliAsync(folder, "deals", "export", "-");
            var (attributionCode, json, _) = await RunCliAsync(folder, "deals", "attribution", "--model", "u-shaped", "--from", "2026-01-01", "--json");
            var (badCode, _, error) = await RunCliAsync(folder, "deals", "attribution", "--model", "magic");

            Assert.Equal(0, exportCode);
            Assert.StartsWith("number,partner_id,", csv);
            Assert.Contains("DR-1042,bluewave,", csv);
            Assert.Equal(0, attributionCode);
            var period = JsonNode.Parse(json)!;
            Assert.Equal("PositionBased", period["model"]!.GetValue<string>());
            Assert.Equal(period["revenue"]!.GetValue<decimal>(), period["credits"]!.AsArray().Sum(c => c!["credit"]!.GetValue<decimal>()));
            Assert.Equal(2, badCode);
            Assert.Contains("\"magic\" is not an attribution model", error);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<JsonObject> TurnAsync(HttpClient client, string id, string? text = null, JsonObject? value = null)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = id,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "demo-partner-2" },
            ["recipient"] = new JsonObject { ["id"] = "bot" },
            ["conversation"] = new JsonObject { ["id"] = "deals-e2e", ["conversationType"] = "personal" },
            ["text"] = text ?? "",
            ["deliveryMode"] = "expectReplies",
        };
        if (value is not null)
        {
            activity["value"] = value.DeepClone();
        }

        var response = await client.PostAsJsonAsync("/api/messages", activity, Ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        return body!["activities"]!.AsArray().Last()!.AsObject();
    }

    private static async Task<(int Code, string Output, string Error)> RunCliAsync(string dataFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "BotHost.exe" : "BotHost"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Data__Folder"] = dataFolder;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output, await error);
    }
}
