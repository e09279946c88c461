using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace BotHost.Tests.Cli;

/// <summary>The <c>deals</c> prediction commands, run as an administrator would: the host binary in its own process.</summary>
public sealed class PredictionCommandsTests : IDisposable
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "pa-cli-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task Train_Json_PrintsOnlyTheModelCardOnStandardOutput_AndDeploysIt()
    {
        var result = await RunAsync(
            "deals", "train", "--data", FixtureCsv(), "--label", "Result", "--positive", "Won",
            "--exclude", "Days To Close,Contract Value", "--trees", "50", "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var card = JsonNode.Parse(result.StandardOutput)!.AsObject();
        Assert.InRange(card["auc"]!.GetValue<double>(), 0.5, 1);
        Assert.InRange(card["prAuc"]!.GetValue<double>(), 0, 1);
        Assert.True(card["rows"]!.GetValue<int>() > 1000);
        Assert.Contains(card["features"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "Has Champion");
        Assert.True(card["deployed"]!.GetValue<bool>());
        Assert.Contains("Training on", result.StandardError);
        Assert.True(File.Exists(Path.Combine(_dataFolder, "models", "deal-success", "current.json")));
        Assert.True(File.Exists(card["modelCard"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RetrainFromRegistry_DemoDealBookTooSmall_SaysHowManyClosedDealsItHasAndNeeds()
    {
        // The demo deal book closes a handful of deals; retraining needs 40 won and 40 lost.
        var result = await RunAsync("deals", "retrain-from-registry");

        Assert.Equal(4, result.ExitCode);
        Assert.Matches(@"The registry holds \d+ won and \d+ lost closed deals; retraining needs at least 40 of each", result.StandardError);
        Assert.Equal("", result.StandardOutput.Trim());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still open: the temp folder is cleaned up eventually anyway.
        }
    }

    /// <summary>The committed CRM-export fixture of the prediction tests (invented data).</summary>
    private static string FixtureCsv()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "PartnerAssistant.Tests", "Prediction", "Fixtures", "opportunities.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/PartnerAssistant.Tests/Prediction/Fixtures/opportunities.csv not found above " + AppContext.BaseDirectory);
    }

    private Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] arguments) => CliProcess.RunAsync(_dataFolder, arguments);
}
