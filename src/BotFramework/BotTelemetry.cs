using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BotFramework;

/// <summary>Traces and metrics of the channel protocol: turns and Bot Connector calls.</summary>
public static class BotTelemetry
{
    public const string Name = "BotFramework";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> TurnDuration =
        Meter.CreateHistogram<double>("bot.turn.duration", "ms", "Time to process one incoming activity");
    public static readonly Counter<long> TurnsRejected =
        Meter.CreateCounter<long>("bot.turns.rejected", description: "Activities refused: authentication or bad input");
    public static readonly Histogram<double> ConnectorDuration =
        Meter.CreateHistogram<double>("bot.connector.duration", "ms", "Time of one Bot Connector call, retries included");
    public static readonly Counter<long> ConnectorRetries =
        Meter.CreateCounter<long>("bot.connector.retries", description: "Bot Connector calls retried after 429, 412 or 5xx");
}
