using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace BotHost.Tests.Infrastructure.Cards;

/// <summary>
/// Checks Adaptive Cards two ways: against the Adaptive Card 1.5 JSON schema (NJsonSchema, the shared
/// schema file), and with Microsoft's own Adaptive Cards JavaScript library (parse for 1.5 and
/// validate properties, in a node process kept for the test run). Either check that cannot run here
/// is reported by <see cref="Unavailable"/>, never passed silently by the tests that need it.
/// </summary>
public static class AdaptiveCardValidator
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    private static readonly Lazy<JsonSchema?> Schema = new(() =>
        SharedSchemas.Find(SharedSchemas.AdaptiveCard) is { } path ? JsonSchema.FromFileAsync(path).GetAwaiter().GetResult() : null);

    private static readonly Lazy<NodeCardValidator?> Library = new(() =>
    {
        if (NodeTools.MissingNode() is not null)
        {
            return null;
        }

        NodeTools.EnsureInstalled();
        return new NodeCardValidator();
    });

    /// <summary>Why one of the two checks cannot run here, or null when both can.</summary>
    public static string? Unavailable =>
        SharedSchemas.Find(SharedSchemas.AdaptiveCard) is null ? SharedSchemas.MissingMessage(SharedSchemas.AdaptiveCard)
        : NodeTools.MissingNode();

    /// <summary>Every problem either check finds; empty for a valid card.</summary>
    public static IReadOnlyList<string> Validate(JsonNode card)
    {
        var problems = new List<string>();
        if (card["version"]?.GetValue<string>() != "1.5")
        {
            problems.Add($"version is \"{card["version"]}\", the cards of this bot are 1.5");
        }

        if (Schema.Value is { } schema)
        {
            problems.AddRange(schema.Validate(card.ToJsonString()).Select(e => $"schema: {e.Path}: {e.Kind}"));
        }

        if (Library.Value is { } library)
        {
            problems.AddRange(library.Validate(card).Select(e => "adaptivecards: " + e));
        }

        return problems;
    }

    /// <summary>The Adaptive Cards an activity carries as attachments.</summary>
    public static IEnumerable<JsonNode> CardsOf(JsonNode? activity) =>
        (activity?["attachments"] as JsonArray ?? [])
            .Where(a => a?["contentType"]?.GetValue<string>() == ContentType && a["content"] is JsonObject)
            .Select(a => a!["content"]!);

    /// <summary>Fails the test with every problem of every card of the activity.</summary>
    public static void AssertValid(JsonNode? activity, string where)
    {
        foreach (var card in CardsOf(activity))
        {
            AssertCardValid(card, where);
        }
    }

    public static void AssertCardValid(JsonNode card, string where)
    {
        var problems = Validate(card);
        Assert.True(problems.Count == 0, $"An Adaptive Card in {where} is not valid Adaptive Card 1.5:\n  {string.Join("\n  ", problems)}\n{card.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
    }

    /// <summary>One node process running <c>tests/validators/validate-cards.cjs</c>, answering a line per card.</summary>
    private sealed class NodeCardValidator
    {
        private readonly Process _process;
        private readonly Lock _gate = new();
        private int _next;

        public NodeCardValidator()
        {
            var start = new ProcessStartInfo(NodeTools.Node, Path.Combine(NodeTools.ValidatorsFolder, "validate-cards.cjs"))
            {
                WorkingDirectory = NodeTools.ValidatorsFolder,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
                UseShellExecute = false,
            };
            _process = Process.Start(start)!;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    _process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
            };
        }

        public IReadOnlyList<string> Validate(JsonNode card)
        {
            lock (_gate)
            {
                var id = ++_next;
                _process.StandardInput.WriteLine(new JsonObject { ["id"] = id, ["card"] = card.DeepClone() }.ToJsonString());
                _process.StandardInput.Flush();
                var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The Adaptive Cards validator (node) stopped.");
                var answer = JsonNode.Parse(line)!;
                if (answer["id"]?.GetValue<int>() != id)
                {
                    throw new InvalidOperationException($"The Adaptive Cards validator answered out of turn: {line}");
                }

                return answer["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
            }
        }
    }
}
