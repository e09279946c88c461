using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Infrastructure;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PartnerAssistant.Tests.Conversation.Routing;

/// <summary>
/// The offline router's accuracy on utterances it has never seen (<c>heldout/*.yaml</c>), routed
/// as the host routes them, for a role that may use each intent. A clarifying question counts as a miss.
/// </summary>
public sealed class RouterAccuracyTests(ITestOutputHelper output)
{
    private const double Target = 0.95;

    [Fact]
    public async Task RouteAsync_HeldOutUtterances_ReachTheirIntentAtLeast95PercentOfTheTime()
    {
        await using var services = await AssistantServices.CreateAsync();
        var router = services.Get<IntentRouter>();
        var catalog = services.Get<IntentCatalog>();
        var cases = LoadHeldOut().ToList();
        Assert.NotEmpty(cases);

        var misses = new List<string>();
        var perIntent = new Dictionary<string, (int Right, int Total)>();
        foreach (var (intentId, utterance) in cases)
        {
            Assert.True(catalog.ById.TryGetValue(intentId, out var intent), $"held-out intent {intentId} is not in prompts/intents");
            var role = Enum.GetValues<Role>().First(intent!.AllowsRole);
            var decision = await router.RouteAsync(utterance, role, TestContext.Current.CancellationToken);
            var right = decision.Kind == RouteKind.Run && decision.Intent!.Id == intentId;
            var (r, t) = perIntent.GetValueOrDefault(intentId);
            perIntent[intentId] = (r + (right ? 1 : 0), t + 1);
            if (!right)
            {
                misses.Add($"'{utterance}' → {(decision.Kind == RouteKind.Run ? decision.Intent!.Id : decision.Kind.ToString())} (expected {intentId}; best {string.Join(", ", decision.Candidates.Take(3).Select(c => $"{c.Intent.Id} {c.Score:F2}"))})");
            }
        }

        var accuracy = 1.0 - misses.Count / (double)cases.Count;
        output.WriteLine($"Router accuracy on {cases.Count} held-out utterances: {accuracy:P1}");
        foreach (var (intent, (right, total)) in perIntent.OrderBy(kv => kv.Key))
        {
            output.WriteLine($"  {intent,-40} {right}/{total}");
        }

        foreach (var miss in misses)
        {
            output.WriteLine("  miss: " + miss);
        }

        Assert.True(accuracy >= Target, $"accuracy {accuracy:P1} is under {Target:P0}; misses:\n{string.Join('\n', misses)}");
    }

    private static IEnumerable<(string Intent, string Utterance)> LoadHeldOut()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Conversation", "Routing", "heldout");
        var reader = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.yaml"))
        {
            var heldOut = reader.Deserialize<HeldOutFile>(File.ReadAllText(file));
            foreach (var intent in heldOut.Intents)
            {
                foreach (var utterance in intent.Utterances)
                {
                    yield return ($"{heldOut.Plugin}.{intent.Function}", utterance);
                }
            }
        }
    }

    private sealed class HeldOutFile
    {
        public string Plugin { get; set; } = "";
        public List<HeldOutIntent> Intents { get; set; } = [];
    }

    private sealed class HeldOutIntent
    {
        public string Function { get; set; } = "";
        public List<string> Utterances { get; set; } = [];
    }
}
