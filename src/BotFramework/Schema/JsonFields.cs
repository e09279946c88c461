using System.Text.Json;
using System.Text.Json.Nodes;

namespace BotFramework.Schema;

/// <summary>
/// Reads of JSON a client sent, which may have any shape: a field of something that is not an object,
/// or text that is a number, is simply absent here instead of an exception. Code that must tell
/// "absent" from "wrong type" checks <see cref="Field"/> first.
/// </summary>
public static class JsonFields
{
    /// <summary>The named field when <paramref name="node"/> is an object that has it; else null.</summary>
    public static JsonNode? Field(this JsonNode? node, string name) =>
        node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) ? value : null;

    /// <summary>The text when <paramref name="node"/> is a JSON string; else null.</summary>
    public static string? Text(this JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            // Text that is not valid UTF-16 (an unpaired surrogate) is not text.
            return null;
        }
    }

    /// <summary>The number when <paramref name="node"/> is a JSON number that is a whole <see cref="int"/>; else null.</summary>
    public static int? Integer(this JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : null;

    /// <summary>True when the field is present (even as null) but is not a string.</summary>
    public static bool IsNotText(this JsonNode? node, string name) =>
        node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) && value is not null && value.Text() is null;
}
