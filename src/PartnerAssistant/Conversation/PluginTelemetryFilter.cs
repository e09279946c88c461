using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace PartnerAssistant.Conversation;

/// <summary>Traces, counts and logs every plugin function call, whoever chose it (router or model).</summary>
public sealed class PluginTelemetryFilter(ILogger<PluginTelemetryFilter> logger) : IFunctionInvocationFilter
{
    public const string Name = "PartnerAssistant";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("assistant.plugin.duration", "ms", "Time of one plugin function call");

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var name = $"{context.Function.PluginName}.{context.Function.Name}";
        using var span = Source.StartActivity("plugin " + name);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            outcome = "error";
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Duration.Record(elapsed, new KeyValuePair<string, object?>("function", name), new KeyValuePair<string, object?>("outcome", outcome));
            logger.LogInformation("Plugin {Function} ran in {ElapsedMs:F1} ms: {Outcome}", name, elapsed, outcome);
        }
    }
}
