using BotFramework.Schema;

namespace BotFramework.Adapter;

/// <summary>
/// Where a turn's outgoing activities go when the channel lives in this process (the local Direct
/// Line endpoint) instead of behind a Bot Connector serviceUrl.
/// </summary>
public interface IActivitySink
{
    /// <summary>Stores or delivers an activity the bot sent; returns the id it was given.</summary>
    Task<ResourceResponse> SendAsync(Activity activity, CancellationToken cancellationToken);

    /// <summary>Replaces an activity the bot sent earlier (same <see cref="Activity.Id"/>).</summary>
    Task<ResourceResponse> UpdateAsync(Activity activity, CancellationToken cancellationToken);

    Task DeleteAsync(string activityId, CancellationToken cancellationToken);
}
