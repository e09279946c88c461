using EdgeGateway.Models;
using EdgeGateway.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway;

/// <summary>Commands besides serving: <c>train [--models folder]</c>.</summary>
internal static class GatewayCommands
{
    /// <summary>Retrains the built-in telemetry models into the models folder and prints their held-out evaluation.</summary>
    public static int Train(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--models"] = "EdgeGateway:ModelsFolder" });
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        var trainer = new TelemetryTrainer(NullLogger<TelemetryTrainer>.Instance);
        foreach (var name in new[] { BuiltInModels.VitalSigns, BuiltInModels.GridFault })
        {
            var folder = Path.Combine(options.ResolveModelsFolder(), name);
            Directory.CreateDirectory(folder);
            var evaluation = trainer.Train(name, folder);
            Console.WriteLine($"{name} → {folder}");
            Console.WriteLine(evaluation.ToJsonString(ModelManifest.Json));
        }

        return 0;
    }
}
