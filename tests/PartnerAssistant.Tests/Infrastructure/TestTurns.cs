using BotFramework.Adapter;
using BotFramework.Authentication;
using BotFramework.Schema;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Tests.Infrastructure;

/// <summary>A turn to call plugin functions in, as the bot builds one: the caller and the conversation's state in <see cref="Kernel.Data"/>.</summary>
public static class TestTurns
{
    public static (Kernel Kernel, ConversationState State) Create(Caller caller, string utterance, ConversationState? state = null, string? activityId = null)
    {
        state ??= new ConversationState();
        var activity = Activity.CreateMessage(utterance);
        activity.Id = activityId ?? Guid.NewGuid().ToString("N");
        activity.ChannelId = "test";
        activity.Conversation = new ConversationAccount { Id = "c1" };
        var kernel = new Kernel();
        kernel.Data[AssistantTurn.KernelDataKey] = new AssistantTurn(caller, new SilentTurnContext(activity), utterance, state);
        return (kernel, state);
    }
}

/// <summary>The plugins never send extra activities; a turn context is only needed to build the turn.</summary>
public sealed class SilentTurnContext(Activity activity) : ITurnContext
{
    public Activity Activity { get; } = activity;
    public ChannelIdentity Identity => ChannelIdentity.Anonymous;
    public bool Responded => false;
    public InvokeResponse? InvokeResponse { get; set; }
    public IDictionary<string, object?> TurnState { get; } = new Dictionary<string, object?>();

    public Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
