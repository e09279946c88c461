using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BotFramework.Schema;

namespace BotFramework;

/// <summary>What Microsoft Teams puts in an activity beyond the core protocol.</summary>
public static partial class TeamsChannelData
{
    public const string ChannelId = "msteams";

    /// <summary>The Entra tenant of the conversation: <c>channelData.tenant.id</c>, else <c>conversation.tenantId</c>.</summary>
    public static string? TenantId(Activity activity) =>
        activity.ChannelData.Field("tenant").Field("id").Text() ?? activity.Conversation?.TenantId;

    /// <summary><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    public static string ConversationType(Activity activity) =>
        activity.Conversation?.ConversationType
        ?? ((activity.ChannelData as JsonObject)?["channel"] is not null ? "channel" : activity.Conversation?.IsGroup == true ? "groupChat" : "personal");

    /// <summary>
    /// The message text without the mentions of the bot itself (<c>&lt;at&gt;Bot&lt;/at&gt;</c>), which Teams
    /// adds when someone addresses the bot in a team or group chat. Mentions of other people stay.
    /// </summary>
    public static string TextWithoutBotMentions(Activity activity)
    {
        var text = activity.Text ?? "";
        if (text.Length == 0)
        {
            return text;
        }

        var botId = activity.Recipient?.Id;
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity.Field("type").Text() != "mention")
            {
                continue;
            }

            var mentioned = entity.Field("mentioned").Field("id").Text();
            var mentionText = entity.Field("text").Text();
            if (mentionText is { Length: > 0 } && mentioned is not null && botId is not null && SameBot(mentioned, botId))
            {
                text = text.Replace(mentionText, " ", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (activity.Recipient?.Name is { Length: > 0 } botName)
        {
            // Some clients send the <at> tag without a matching entity.
            text = text.Replace($"<at>{botName}</at>", " ", StringComparison.OrdinalIgnoreCase);
        }

        return Whitespace().Replace(text, " ").Trim();
    }

    // Teams addresses bots as "28:<app id>"; entities may carry either form.
    private static bool SameBot(string mentioned, string botId) =>
        string.Equals(mentioned, botId, StringComparison.OrdinalIgnoreCase)
        || string.Equals(mentioned.Replace("28:", "", StringComparison.Ordinal), botId.Replace("28:", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
