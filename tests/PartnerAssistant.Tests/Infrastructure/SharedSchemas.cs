using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace PartnerAssistant.Tests.Infrastructure;

/// <summary>
/// The read-only schemas in <c>../shared/schemas/</c> beside the repository (found by walking up from
/// the test binary). Tests that need one skip, saying why, where the folder is absent.
/// </summary>
public static class SharedSchemas
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonSchema>>> Components = new();

    /// <summary>The full path of a file in shared/schemas, or null when it is not there.</summary>
    public static string? Find(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "schemas", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The path of the file, or skips the calling test with a message when it is absent.</summary>
    public static string Require(string fileName) =>
        Find(fileName) ?? throw Xunit.Sdk.SkipException.ForSkip(
            $"shared/schemas/{fileName} is not beside this repository (it is found by walking up from {AppContext.BaseDirectory}); the contract test needs it.");

    /// <summary>A schema of an OpenAPI document's <c>components/schemas</c>, its <c>$ref</c>s resolved within the document.</summary>
    public static Task<JsonSchema> OpenApiComponentAsync(string openApiPath, string component) =>
        Components.GetOrAdd($"{openApiPath}#{component}", _ => new Lazy<Task<JsonSchema>>(async () =>
        {
            // NJsonSchema resolves references into "definitions", so the OpenAPI components move there.
            var document = JsonNode.Parse((await File.ReadAllTextAsync(openApiPath)).Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal))!;
            var definitions = document["components"]!["schemas"]!.AsObject();
            ToJsonSchemaNullability(definitions);
            var root = definitions[component]!.DeepClone().AsObject();
            root["definitions"] = definitions.DeepClone();
            return await JsonSchema.FromJsonAsync(root.ToJsonString());
        })).Value;

    /// <summary>OpenAPI 3.0 writes "or null" as <c>nullable: true</c>; JSON Schema as a <c>null</c> type. An
    /// <c>anyOf</c> branch that is only <c>{"nullable": true}</c> would otherwise accept anything.</summary>
    private static void ToJsonSchemaNullability(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj.Count == 1 && obj["nullable"] is JsonValue only && only.GetValue<bool>())
                {
                    obj.Remove("nullable");
                    obj["type"] = "null";
                    return;
                }

                if (obj["nullable"] is JsonValue flag && flag.GetValue<bool>() && obj["type"] is JsonValue type)
                {
                    obj["type"] = new JsonArray(type.GetValue<string>(), "null");
                }

                obj.Remove("nullable");
                foreach (var (_, child) in obj.ToList())
                {
                    ToJsonSchemaNullability(child);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ToJsonSchemaNullability(item);
                }

                break;
        }
    }
}
