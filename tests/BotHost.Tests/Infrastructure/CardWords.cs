using System.Text.Json;
using System.Text.Json.Nodes;

namespace BotHost.Tests.Infrastructure;

/// <summary>What a person reads on an Adaptive Card: its texts, titles and fact values, one per line (submit data left out).</summary>
public static class CardWords
{
    public static string Of(JsonNode? node) => node switch
    {
        JsonObject obj => string.Join("\n", obj.Where(kv => kv.Key != "data").Select(kv =>
            kv.Key is "text" or "title" or "value" && kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Of(kv.Value))
            .Where(s => s.Length > 0)),
        JsonArray array => string.Join("\n", array.Select(Of).Where(s => s.Length > 0)),
        _ => "",
    };
}
