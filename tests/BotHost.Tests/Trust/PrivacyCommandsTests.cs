using System.Text.Json.Nodes;
using BotHost.Tests.Cli;

namespace BotHost.Tests.Trust;

/// <summary><c>directory export-person | erase-person | erasures</c> as an operator runs them: the host binary in its own process.</summary>
public sealed class PrivacyCommandsTests : IDisposable
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "pa-cli-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task ExportThenErase_DemoPerson_WritesTheDocument_ErasesOnlyWithYes_ThenSaysAlreadyErased()
    {
        var file = Path.Combine(_dataFolder, "..", Path.GetFileName(_dataFolder) + "-lukas.json");
        try
        {
            var export = await CliProcess.RunAsync(_dataFolder, "directory", "export-person", "lukas-meyer", "--out", file);
            var preview = await CliProcess.RunAsync(_dataFolder, "directory", "erase-person", "lukas-meyer");
            var erase = await CliProcess.RunAsync(_dataFolder, "directory", "erase-person", "lukas-meyer", "--yes");
            var again = await CliProcess.RunAsync(_dataFolder, "directory", "erase-person", "lukas-meyer", "--yes");
            var unknown = await CliProcess.RunAsync(_dataFolder, "directory", "export-person", "no-such-person");
            var register = await CliProcess.RunAsync(_dataFolder, "directory", "erasures", "--json");

            Assert.True(export.ExitCode == 0, export.StandardError);
            Assert.StartsWith("Wrote what is held about Lukas Meyer (", export.StandardOutput);
            var document = JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken))!;
            Assert.Equal("lukas.meyer@keystone.example", document["about"]!["email"]!.GetValue<string>());
            Assert.StartsWith("cli:", document["requestedBy"]!.GetValue<string>());
            Assert.Equal(2, preview.ExitCode);
            Assert.Contains("Deal registrations you submitted (deal_registrations)", preview.StandardOutput);
            Assert.Contains("Nothing was erased. Run again with --yes", preview.StandardError);
            Assert.True(erase.ExitCode == 0, erase.StandardError);
            Assert.Matches(@"^Erasure #1 \(completed\)\. Erased on .+ at the request of cli:", erase.StandardOutput);
            Assert.Equal(5, again.ExitCode);
            Assert.Contains("'lukas-meyer' was erased already.", again.StandardError);
            Assert.Equal(3, unknown.ExitCode);
            Assert.Contains("There is no one with the id 'no-such-person' in the directory.", unknown.StandardError);
            var entry = JsonNode.Parse(register.StandardOutput)!.AsArray().Single()!;
            Assert.Equal("former partner user #1", entry["pseudonym"]!.GetValue<string>());
            Assert.DoesNotContain("lukas", register.StandardOutput, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(file);
        }
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
}
