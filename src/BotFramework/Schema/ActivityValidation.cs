using System.Text.Json;

namespace BotFramework.Schema;

/// <summary>
/// What makes an activity unusable before any bot code sees it, said in the sender's terms: a missing
/// type or conversation, no address to reply to, lists with holes (<c>membersAdded: [null]</c>), or text
/// that is not Unicode (an unpaired surrogate such as <c>"\ud800"</c>, which no reply or store could write).
/// Both the Bot Framework endpoint and in-process channels check with it.
/// </summary>
public static class ActivityValidation
{
    /// <summary>The problem with <paramref name="root"/> (the raw JSON) as a whole, or null.</summary>
    public static string? TextProblem(JsonElement root) =>
        FindInvalidText(root, "") is { } path
            ? $"The field '{(path.Length == 0 ? "(body)" : path)}' holds text that is not valid Unicode (an unpaired surrogate)."
            : null;

    /// <summary>The problem with the activity's shape, or null. <paramref name="needsServiceUrl"/>: the reply goes over the Bot Connector.</summary>
    public static string? ShapeProblem(Activity activity, bool needsServiceUrl)
    {
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return "The activity has no 'type'.";
        }

        if (activity.Conversation?.Id is null or "")
        {
            return "The activity has no 'conversation.id'.";
        }

        if (activity.Type == ActivityTypes.Invoke && string.IsNullOrWhiteSpace(activity.Name))
        {
            return "An invoke activity has no 'name'.";
        }

        if (needsServiceUrl && activity.DeliveryMode != DeliveryModes.ExpectReplies && activity.Type != ActivityTypes.Invoke
            && !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out _))
        {
            return "The activity has no valid 'serviceUrl' to reply to.";
        }

        return ListProblem(activity);
    }

    /// <summary>A list of the activity with a null entry (<c>membersAdded: [null]</c>), or null.</summary>
    public static string? ListProblem(Activity activity)
    {
        foreach (var (name, items) in new (string, System.Collections.IList?)[]
                 {
                     ("membersAdded", activity.MembersAdded), ("membersRemoved", activity.MembersRemoved),
                     ("attachments", activity.Attachments), ("entities", activity.Entities),
                 })
        {
            if (items is not null && items.Cast<object?>().Any(item => item is null))
            {
                return $"The list '{name}' holds an entry that is null; each entry must be an object.";
            }
        }

        return null;
    }

    private static string? FindInvalidText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValidText(element) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (NameOf(property) is not { } name)
                    {
                        return path;
                    }

                    if (FindInvalidText(property.Value, path.Length == 0 ? name : path + "." + name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalidText(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool IsValidText(JsonElement element)
    {
        try
        {
            element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
