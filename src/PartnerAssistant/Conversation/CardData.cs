using System.Text.Json.Nodes;

namespace PartnerAssistant.Conversation;

/// <summary>Reads what a card submit carries: the <c>value</c> argument as a JSON object and its text fields.</summary>
public static class CardData
{
    /// <summary>The submitted data as an object; null when there is none or it is not a JSON object.</summary>
    public static JsonObject? TryParseObject(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(value) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A field as trimmed text; null when missing, not a value, or blank.</summary>
    public static string? Text(JsonObject? data, string name) =>
        data?[name] is JsonValue v && v.ToString().Trim() is { Length: > 0 } s ? s : null;

    /// <summary>
    /// The form's data with a <c>submissionKey</c>: its own, or, for a form without one, one derived from who submits
    /// it and what it says — so the same form submitted twice, or concurrently, is recognised as one submission.
    /// </summary>
    public static JsonObject WithSubmissionKey(JsonObject submitted, string personId)
    {
        if (Text(submitted, "submissionKey") is not null)
        {
            return submitted;
        }

        var keyed = (JsonObject)submitted.DeepClone();
        keyed.Remove("submissionKey");
        var content = System.Text.Encoding.UTF8.GetBytes(personId + "\n" + keyed.ToJsonString());
        keyed["submissionKey"] = "form-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))[..32];
        return keyed;
    }
}
