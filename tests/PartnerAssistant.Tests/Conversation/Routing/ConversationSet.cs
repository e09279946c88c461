using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.Hosting;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Infrastructure;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PartnerAssistant.Tests.Conversation.Routing;

/// <summary>One utterance of the conversation test set (<c>conversations/*.yaml</c>) and what should run for it.</summary>
public sealed class ConversationCase
{
    public string Say { get; set; } = "";
    public string As { get; set; } = "";
    public string? After { get; set; }
    public List<string> Expect { get; set; } = [];
    public string Kind { get; set; } = "";

    public override string ToString() => Say;
}

/// <summary>What the conversation router planned for a case.</summary>
public sealed record ConversationOutcome(ConversationCase Case, IReadOnlyList<string> Planned, TurnPlan Plan)
{
    /// <summary>Right when exactly the expected intents run (in any order); a question back naming what was not
    /// found is "Clarify", a question about which intent was meant is "Ask" (never expected, so always a miss).</summary>
    public bool Right => Planned.ToHashSet().SetEquals(Case.Expect);

    public string Describe() =>
        $"'{Case.Say}' ({Case.As}{(Case.After is null ? "" : $", after '{Case.After}'")}) → {string.Join(" + ", Planned)} (expected {string.Join(" + ", Case.Expect)})"
        + (Plan.Understood is { } understood ? $" [read as '{understood}']" : "")
        + string.Concat(Plan.Steps.Where(s => s.Text != Case.Say).Select(s => $" [{s.Intent?.Id}: '{s.Text}']"))
        + string.Concat(Plan.Steps.Select(s => " {" + string.Join(", ", s.Scores.Take(3).Select(c => $"{c.Intent.Id} {c.Score:F2}")) + "}"));
}

/// <summary>The conversation test set, routed as the host routes free text: for the demo person named, after
/// the turn before when there is one, over a fresh database with the demo data.</summary>
public sealed class ConversationSet : IAsyncLifetime
{
    private AssistantServices? _services;

    public AssistantServices Services => _services ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() => _services = await AssistantServices.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>A test half (<c>conversations/&lt;half&gt;.yaml</c> here) or, for a name starting "tuning", a file of the
    /// tuning half, which lives with the product in <c>prompts/phrasings/</c> because the router learns from it.</summary>
    public static IReadOnlyList<ConversationCase> Load(string half)
    {
        var path = half.StartsWith("tuning", StringComparison.Ordinal)
            ? Path.Combine(AssetLocator.Require("prompts", "shipped"), IntentCatalog.PhrasingsFolder, half + ".yaml")
            : Path.Combine(AppContext.BaseDirectory, "Conversation", "Routing", "conversations", half + ".yaml");
        var reader = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        return reader.Deserialize<ConversationFile>(File.ReadAllText(path)).Utterances;
    }

    public async Task<ConversationOutcome> RouteAsync(ConversationCase testCase, CancellationToken cancellationToken)
    {
        var router = Services.Get<ConversationRouter>();
        var caller = await Services.Get<DirectoryService>().FindByChannelUserAsync(testCase.As, cancellationToken)
            ?? throw new InvalidOperationException($"No demo person {testCase.As}.");
        var state = new ConversationState();
        if (testCase.After is { } before)
        {
            await router.PlanAsync(caller, before, state, cancellationToken);
        }

        var plan = await router.PlanAsync(caller, testCase.Say, state, cancellationToken);
        var planned = plan.Steps.Select(s => s.Kind switch
        {
            StepKind.Run => s.Intent!.Id,
            StepKind.NotFound => "Clarify",
            _ => "Ask",
        }).ToList();
        return new ConversationOutcome(testCase, plan.Reply is null ? planned : ["Refused"], plan);
    }

    /// <summary>Whether the intent router alone (no checks, spelling, splitting, follow-ups, question form or entities)
    /// runs the one expected intent: the comparison the front door is measured against.</summary>
    public async Task<bool> RouteAloneAsync(ConversationCase testCase, CancellationToken cancellationToken)
    {
        var caller = await Services.Get<DirectoryService>().FindByChannelUserAsync(testCase.As, cancellationToken)
            ?? throw new InvalidOperationException($"No demo person {testCase.As}.");
        var decision = await Services.Get<IntentRouter>().RouteAsync(testCase.Say, caller.Role, cancellationToken);
        return testCase.Expect.Count == 1 && decision.Kind == RouteKind.Run && decision.Intent!.Id == testCase.Expect[0];
    }

    private sealed class ConversationFile
    {
        public List<ConversationCase> Utterances { get; set; } = [];
    }
}
