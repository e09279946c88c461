using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BotFramework.Adapter;

/// <summary>Remembers activity ids for <see cref="BotOptions.DuplicateWindow"/> in this process.</summary>
public sealed class InMemoryActivityDeduplicator(IOptions<BotOptions> options, TimeProvider time) : IActivityDeduplicator
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new();
    private long _calls;

    public ValueTask<bool> TryBeginAsync(string channelId, string conversationId, string activityId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _calls) % 1024 == 0)
        {
            foreach (var (key, expires) in _seen)
            {
                if (expires < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        var expiry = now + options.Value.DuplicateWindow;
        var added = _seen.TryAdd($"{channelId}\n{conversationId}\n{activityId}", expiry);
        return ValueTask.FromResult(added);
    }
}
