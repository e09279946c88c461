using System.Text.Json.Nodes;
using BotFramework.Adapter;
using BotFramework.Authentication;
using BotFramework.Schema;
using BotHost.Tests.Infrastructure;
using PartnerAssistant.Conversation;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Conversation;

/// <summary>
/// One person in one conversation with the real <see cref="AssistantBot"/> over the test's services: every call is a
/// turn of its own (its own activity id, as a channel's retry or a second click would be), run as the adapter runs
/// it after authentication and re-delivery checks. Only the channel is replaced: it records what the bot sends.
/// </summary>
public sealed class AssistantChat(AssistantServices services, string channelUserId, string conversationId)
{
    private static int _activities;

    /// <summary>A message (typed text, or a card's Action.Submit when <paramref name="value"/> is set); returns the bot's messages.</summary>
    public async Task<IReadOnlyList<Activity>> SendAsync(string text, JsonObject? value = null)
    {
        var activity = Activity.CreateMessage(text);
        activity.Value = value?.DeepClone();
        var context = await RunAsync(activity);
        return context.Sent.Where(a => a.Type == ActivityTypes.Message).ToList();
    }

    /// <summary>A press of a card's Action.Execute button (Teams' <c>adaptiveCard/action</c> invoke).</summary>
    public async Task<InvokeResponse?> PressAsync(string verb, JsonObject data)
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Invoke,
            Name = "adaptiveCard/action",
            Value = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data.DeepClone() } },
        };
        return (await RunAsync(activity)).InvokeResponse;
    }

    /// <summary>Presses Yes (or No) on the confirmation card of <paramref name="reply"/>.</summary>
    public Task<IReadOnlyList<Activity>> AnswerCardAsync(IReadOnlyList<Activity> reply, bool yes = true) =>
        SendAsync("", new JsonObject { ["action"] = AssistantBot.ConfirmIntent, ["answer"] = yes ? "yes" : "no", ["confirmationId"] = ConfirmationId(reply) });

    /// <summary>The id the confirmation card of a reply carries on its buttons.</summary>
    public static string ConfirmationId(IReadOnlyList<Activity> reply) =>
        reply.SelectMany(a => a.Attachments ?? []).Select(a => a.Content).OfType<JsonObject>()
            .SelectMany(card => card["actions"]?.AsArray().OfType<JsonObject>() ?? [])
            .Select(action => action["data"]?["confirmationId"]?.GetValue<string>())
            .FirstOrDefault(id => id is not null)
            ?? throw new InvalidOperationException("The reply has no confirmation card: " + string.Join(" | ", reply.Select(a => a.Text)));

    /// <summary>The text of a reply's messages and cards, as the person reads them.</summary>
    public static string Shown(IReadOnlyList<Activity> reply) =>
        string.Join("\n", reply.Select(a => a.Text ?? "").Concat(reply.SelectMany(a => a.Attachments ?? []).Select(a => CardWords.Of(a.Content))));

    private async Task<RecordingTurnContext> RunAsync(Activity activity)
    {
        activity.Id = "act-" + Interlocked.Increment(ref _activities);
        activity.ChannelId = "msteams";
        activity.From = new ChannelAccount { Id = channelUserId };
        activity.Recipient = new ChannelAccount { Id = "bot" };
        activity.Conversation = new ConversationAccount { Id = conversationId, ConversationType = "groupChat", IsGroup = true };
        var context = new RecordingTurnContext(activity);
        await services.Get<AssistantBot>().OnTurnAsync(context, TestContext.Current.CancellationToken);
        return context;
    }

    /// <summary>The channel side of a turn: records what the bot sends.</summary>
    private sealed class RecordingTurnContext(Activity activity) : ITurnContext
    {
        private readonly List<Activity> _sent = [];

        public Activity Activity { get; } = activity;
        public ChannelIdentity Identity { get; } = new(true, null, null);
        public bool Responded => Sent.Count > 0;
        public InvokeResponse? InvokeResponse { get; set; }
        public IDictionary<string, object?> TurnState { get; } = new Dictionary<string, object?>();

        public IReadOnlyList<Activity> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default)
        {
            lock (_sent)
            {
                _sent.Add(activity);
                return Task.FromResult(new ResourceResponse { Id = _sent.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }

        public Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ResourceResponse { Id = activity.Id });

        public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
