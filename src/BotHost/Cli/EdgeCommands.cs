using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PartnerAssistant.Edge;

namespace BotHost.Cli;

/// <summary><c>edge gateways | infer</c>: the configured edge gateways, their health, and a model run from the shell.</summary>
internal static class EdgeCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var edge = new Command("edge", "Edge gateways: health and model runs.");

        var gateways = new Command("gateways", "List the configured edge gateways with their health and models.");
        gateways.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var options = services.GetRequiredService<IOptions<EdgeOptions>>().Value;
            var client = services.GetRequiredService<EdgeGatewayClient>();
            if (options.Gateways.Count == 0)
            {
                Console.WriteLine("No edge gateways are configured (Edge:Gateways).");
                return 0;
            }

            var down = 0;
            foreach (var gateway in options.Gateways)
            {
                try
                {
                    var health = await client.GetHealthAsync(gateway, token);
                    Console.WriteLine($"{gateway.Name,-14} {health.Status,-10} {gateway.Url}  {gateway.Site}");
                    Console.WriteLine($"{"",-14} load: {health.Running} running, {health.Queued} queued, capacity {health.Capacity}");
                    foreach (var model in health.Models)
                    {
                        Console.WriteLine($"{"",-14} {model.Name,-22} {model.Status}{(model.Error is null ? "" : ": " + model.Error)}");
                    }
                }
                catch (EdgeGatewayException ex)
                {
                    down++;
                    Console.WriteLine($"{gateway.Name,-14} {"offline",-10} {gateway.Url}  {gateway.Site}");
                    Console.WriteLine($"{"",-14} {ex.Message}");
                }
            }

            return down == 0 ? 0 : 4;
        }, ct));

        var gatewayName = new Argument<string>("gateway") { Description = "Gateway name, as configured in Edge:Gateways." };
        var modelName = new Argument<string>("model") { Description = "Model name on that gateway (see 'edge gateways')." };
        var file = new Argument<FileInfo>("file") { Description = "An image or WAV file, or a .json file with the request body (readings or raw tensors)." };
        var infer = new Command("infer", "Run a gateway's model on a file and print the result as JSON.") { gatewayName, modelName, file };
        infer.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var options = services.GetRequiredService<IOptions<EdgeOptions>>().Value;
            var client = services.GetRequiredService<EdgeGatewayClient>();
            var name = parse.GetValue(gatewayName)!;
            var gateway = options.Gateways.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new CommandException($"No gateway named '{name}'. Configured: {string.Join(", ", options.Gateways.Select(g => g.Name))}.", 2);
            var input = parse.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CommandException($"File not found: {input.FullName}", 2);
            }

            var content = await File.ReadAllBytesAsync(input.FullName, token);
            try
            {
                var result = input.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase)
                    ? await client.InferJsonAsync(gateway, parse.GetValue(modelName)!, System.Text.Json.Nodes.JsonNode.Parse(content)!, token)
                    : await client.InferFileAsync(gateway, parse.GetValue(modelName)!, content, input.Name, ContentType(input.Extension), token);
                Console.WriteLine(JsonSerializer.Serialize(new { model = result.Model, version = result.Version, durationMs = result.DurationMs, result = result.Result }, Json));
                return 0;
            }
            catch (EdgeGatewayException ex)
            {
                throw new CommandException(ex.Message, ex.Failure is GatewayFailure.Rejected ? 2 : 4);
            }
            catch (JsonException ex)
            {
                throw new CommandException($"{input.Name} is not valid JSON: {ex.Message}", 2);
            }
        }, ct));

        edge.Subcommands.Add(gateways);
        edge.Subcommands.Add(infer);
        return edge;
    }

    private static string ContentType(string extension) => extension.ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".bmp" => "image/bmp",
        ".gif" => "image/gif",
        ".wav" => "audio/wav",
        _ => "application/octet-stream",
    };
}
