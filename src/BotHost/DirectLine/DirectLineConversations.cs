using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.Extensions.Options;

namespace BotHost.DirectLine;

/// <summary>
/// One Direct Line conversation: its user and the activities a client polls for. The history is an
/// append-only log read by watermark; an updated activity is appended again under its old id (Web
/// Chat replaces an activity it already shows when one with the same id arrives).
/// </summary>
public sealed class DirectLineConversation(string id, string userId, string userName, int maxActivities)
{
    private readonly List<JsonObject> _log = [];
    private int _dropped;
    private int _sequence;

    public string Id { get; } = id;
    public string UserId { get; } = userId;
    public string UserName { get; } = userName;

    /// <summary>One turn at a time, as a person types one message after another: turns share conversation state.</summary>
    public SemaphoreSlim TurnGate { get; } = new(1, 1);

    public bool Started { get; set; }
    public DateTimeOffset LastActive { get; set; }

    public string NextActivityId()
    {
        var n = Interlocked.Increment(ref _sequence);
        return $"{Id}|{n.ToString("D7", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Appends an activity (a copy) and returns its watermark.</summary>
    public int Append(Activity activity)
    {
        var json = JsonSerializer.SerializeToNode(activity, BotJson.Options)!.AsObject();
        lock (_log)
        {
            _log.Add(json);
            if (_log.Count > maxActivities)
            {
                _log.RemoveAt(0);
                _dropped++;
            }

            return _dropped + _log.Count;
        }
    }

    /// <summary>The latest version of an activity by id, or null.</summary>
    public JsonObject? Find(string activityId)
    {
        lock (_log)
        {
            return _log.LastOrDefault(a => a["id"]?.GetValue<string>() == activityId)?.DeepClone().AsObject();
        }
    }

    /// <summary>
    /// Activities after <paramref name="watermark"/>, and the new watermark. Without one (a client
    /// restoring the history) each activity comes once, in its latest version, and typing indicators
    /// are left out.
    /// </summary>
    public (IReadOnlyList<JsonObject> Activities, int Watermark) Read(int? watermark)
    {
        lock (_log)
        {
            var end = _dropped + _log.Count;
            if (watermark is { } from)
            {
                var start = Math.Clamp(from - _dropped, 0, _log.Count);
                return (_log.Skip(start).Select(a => a.DeepClone().AsObject()).ToList(), end);
            }

            var latest = new Dictionary<string, JsonObject>();
            var order = new List<string>();
            foreach (var activity in _log)
            {
                if (activity["type"]?.GetValue<string>() == ActivityTypes.Typing)
                {
                    continue;
                }

                var key = activity["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
                if (!latest.ContainsKey(key))
                {
                    order.Add(key);
                }

                latest[key] = activity;
            }

            return (order.Select(k => latest[k].DeepClone().AsObject()).ToList(), end);
        }
    }
}

/// <summary>The Direct Line conversations of this process.</summary>
public sealed class DirectLineConversations(IOptions<DirectLineOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DirectLineConversation> _conversations = new();

    public DirectLineConversation Create(string userId, string userName)
    {
        Evict();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var conversation = new DirectLineConversation(id, userId, userName, options.Value.MaxActivitiesPerConversation) { LastActive = time.GetUtcNow() };
        _conversations[id] = conversation;
        return conversation;
    }

    /// <summary>The conversation a valid token names; recreated empty if it was forgotten (idle, or a restart).</summary>
    public DirectLineConversation Open(DirectLineGrant grant)
    {
        var conversation = _conversations.GetOrAdd(grant.ConversationId, id =>
        {
            Evict();
            return new DirectLineConversation(id, grant.UserId, grant.UserName, options.Value.MaxActivitiesPerConversation);
        });
        conversation.LastActive = time.GetUtcNow();
        return conversation;
    }

    public DirectLineConversation? Find(string conversationId) => _conversations.GetValueOrDefault(conversationId);

    private void Evict()
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        foreach (var (id, conversation) in _conversations)
        {
            if (now - conversation.LastActive > settings.ConversationIdleTimeout)
            {
                _conversations.TryRemove(id, out _);
            }
        }

        while (_conversations.Count >= settings.MaxConversations)
        {
            var oldest = _conversations.MinBy(kv => kv.Value.LastActive);
            _conversations.TryRemove(oldest.Key, out _);
        }
    }
}
