using System.Diagnostics;
using BotFramework;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using BotHost.Admin;
using PartnerAssistant;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace BotHost.Operations;

/// <summary>Telemetry exporters, under the section <c>OpenTelemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "OpenTelemetry";

    /// <summary>OTLP endpoint for traces and metrics (e.g. http://localhost:4317). Default: empty, so
    /// nothing is exported; the standard OTEL_EXPORTER_OTLP_ENDPOINT variable works too.</summary>
    public string? OtlpEndpoint { get; set; }
}

public static class OperationsExtensions
{
    public static void AddOperations(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = telemetry.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var otel = builder.Services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(BotTelemetry.Name, PluginTelemetryFilter.Name, "Microsoft.SemanticKernel*")
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BotTelemetry.Name, PluginTelemetryFilter.Name, "Microsoft.SemanticKernel*")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });

        builder.Services.AddOptions<RequestLimitsOptions>().Bind(builder.Configuration.GetSection(RequestLimitsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LocalGatewayLauncher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LocalGatewayLauncher>());

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<IntentHealthCheck>("intents", tags: ["ready"]);
    }

    /// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> and <c>/health</c> (it can serve: database, intents).</summary>
    public static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync };
        app.MapHealthChecks("/health/ready", ready);
        app.MapHealthChecks("/health", ready);
    }

    /// <summary>Echoes the trace id as <c>X-Correlation-Id</c>, the id users quote from an apology.</summary>
    public static void UseCorrelationHeader(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (Activity.Current is { } activity)
                {
                    context.Response.Headers["X-Correlation-Id"] = activity.TraceId.ToString();
                }

                return Task.CompletedTask;
            });
            await next(context);
        });

    private static Task WriteHealthAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });

    /// <summary>Says where the host listens and how to talk to it (the chat page, the dashboard, the Playground),
    /// and warns loudly in local development mode.</summary>
    public static void AnnounceOnStart(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerAssistant");
            var bot = app.Services.GetRequiredService<IOptions<BotOptions>>().Value;
            var links = app.Services.GetRequiredService<PublicLinks>();
            var address = app.Urls.FirstOrDefault() ?? PublicLinks.DefaultAddress;
            logger.LogInformation("Partner Assistant is listening on {Address}: Bot Framework messages at {Messages}, health at {Health}",
                address, links.To("api/messages"), links.To("health"));
            if (bot.IsLocalDevelopmentMode)
            {
                logger.LogWarning(
                    "LOCAL DEVELOPMENT MODE: no Bot:MicrosoftAppId is configured, so requests are NOT authenticated and only loopback clients are accepted. " +
                    "Set Bot__MicrosoftAppId, Bot__MicrosoftAppPassword and Bot__MicrosoftAppTenantId before exposing this host.");
                var playground = app.Services.GetRequiredService<IOptions<DirectoryOptions>>().Value.PlaygroundUser;
                logger.LogInformation(
                    "Try it: Web Chat at {WebChat} (choose a demo person), the program dashboard at {Dashboard}, the admin API reference at {ApiReference}, " +
                    "the Agents Playground with npx @microsoft/m365agentsplayground -e {Messages} -c msteams (its user speaks as {PlaygroundUser}), " +
                    "or POST an activity with deliveryMode \"expectReplies\" (see README)",
                    links.To(""), links.To("dashboard"), links.To(AdminApiReference.PagePath), links.To("api/messages"),
                    string.IsNullOrEmpty(playground) ? "nobody: Directory:PlaygroundUser is empty" : playground);
            }
            else
            {
                logger.LogInformation("Web Chat at {WebChat} (with a Direct Line token from a portal's server), the program dashboard at {Dashboard}", links.To(""), links.To("dashboard"));
            }
        });
}

internal sealed class DatabaseHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy(db.Database.ProviderName)
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}

internal sealed class IntentHealthCheck(IntentCatalog intents) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(intents.All.Count > 0
            ? HealthCheckResult.Healthy($"{intents.All.Count} intents")
            : HealthCheckResult.Unhealthy("No intents are loaded."));
}
