using EdgeGateway.Api;
using EdgeGateway.Inference;
using EdgeGateway.Models;
using EdgeGateway.Training;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EdgeGateway;

/// <summary>The gateway's web host: model catalogue, API-key check, bounded inference queue, limits.</summary>
public static class GatewayApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships beside the binary; this finds it whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddUserSecrets(typeof(GatewayApp).Assembly, optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        builder.AddGatewayServices();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapModelsApi();
        app.AnnounceOnStart();
        return app;
    }

    public static void AddGatewayServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.AddSingleton<TelemetryTrainer>();
        services.AddSingleton<BuiltInModels>();
        services.AddSingleton<ModelTaskFactory>();
        services.AddSingleton<ModelCatalog>();
        services.AddHostedService<ModelLoader>();

        // Kestrel refuses larger bodies itself (413), before the handler buffers anything.
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<GatewayOptions>>((kestrel, gateway) => kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBytes);
        services.AddOptions<FormOptions>()
            .Configure<IOptions<GatewayOptions>>((form, gateway) =>
            {
                form.MultipartBodyLengthLimit = gateway.Value.MaxRequestBytes;
                // Keep uploads in memory (the slots bound how many there are) instead of spilling past 64 KB to temp files.
                form.MemoryBufferThreshold = (int)Math.Min(gateway.Value.MaxRequestBytes, int.MaxValue);
            });
        services.AddSingleton<InferenceSlots>();
    }

    private static void AnnounceOnStart(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeGateway");
            var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            logger.LogInformation("Edge gateway listening on {Addresses}; models at /models, health at /health", string.Join(", ", app.Urls));
            if (options.IsLocalDevelopmentMode)
            {
                logger.LogWarning("LOCAL DEVELOPMENT MODE: no EdgeGateway:ApiKey is configured, so only loopback clients are served. Set EdgeGateway__ApiKey before exposing this gateway.");
            }
        });
}

/// <summary>Provides the built-in models and loads the catalogue before the gateway takes requests.</summary>
public sealed class ModelLoader(BuiltInModels builtIn, ModelCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        var problems = builtIn.EnsurePresent(cancellationToken);
        catalog.Load(problems);
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
