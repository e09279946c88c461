using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using PartnerAssistant.Cards;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// A small capability written against the same extension points the real ones use (a plugin with an
/// Action.Execute card, a dialog, two search sources), so the Teams and Direct Line plumbing is tested
/// on every branch, whichever capabilities have landed.
/// </summary>
public sealed class ShowcasePlugin
{
    public const string DialogId = "showcase.order";

    [KernelFunction("ShowRequest"), Description("Shows a sample kit request with an approve button and an order form.")]
    public AssistantReply ShowRequest(Kernel kernel) =>
        AssistantReply.Say("Here is the sample kit request.").WithCard(RequestCard("waiting for approval", null));

    [KernelFunction("Approve"), Description("Approves the sample kit request.")]
    public AssistantReply Approve(Kernel kernel, string value = "{}")
    {
        var item = JsonNode.Parse(value)?["item"]?.GetValue<string>() ?? "?";
        return AssistantReply.Say($"Approved {item}.").WithCard(RequestCard("approved", kernel.GetCaller().Person.DisplayName));
    }

    public static JsonObject RequestCard(string status, string? approvedBy)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title("Sample kit request SK-7")
            .Facts([("Kit", "edge starter"), ("Status", status)]);
        if (approvedBy is not null)
        {
            card.Text($"Approved by {approvedBy}", color: "Good");
        }
        else
        {
            card.Execute("Approve", "Showcase.Approve", new JsonObject { ["item"] = "SK-7" }, style: "positive");
        }

        return card.OpenDialog("Order another kit", DialogId, new JsonObject { ["kit"] = "edge starter" }).Build();
    }
}

/// <summary>The order form as a dialog: a customer name is required.</summary>
public sealed class ShowcaseOrderDialog : IDialogProvider
{
    public string DialogId => ShowcasePlugin.DialogId;

    public Task<DialogStep> OpenAsync(AssistantTurn turn, JsonObject data, CancellationToken cancellationToken) =>
        Task.FromResult(DialogStep.ShowCard("Order a sample kit", Form(data["kit"]?.GetValue<string>() ?? "edge starter", null)));

    public Task<DialogStep> SubmitAsync(AssistantTurn turn, JsonObject data, CancellationToken cancellationToken)
    {
        var customer = data["customer"]?.GetValue<string>()?.Trim();
        var kit = data["kit"]?.GetValue<string>() ?? "edge starter";
        return Task.FromResult(string.IsNullOrEmpty(customer)
            ? DialogStep.ShowCard("Order a sample kit", Form(kit, "Name the customer the kit is for."))
            : DialogStep.Close(AssistantReply.Say($"Ordered the {kit} kit for {customer}, requested by {turn.Caller.Person.DisplayName}.")));
    }

    private static JsonObject Form(string kit, string? problem)
    {
        var card = AdaptiveCardBuilder.Create().Title($"Order the {kit} kit");
        if (problem is not null)
        {
            card.Text(problem, color: "Attention");
        }

        return card.TextInput("customer", "Customer", placeholder: "e.g. Contoso Manufacturing")
            .Submit("Place order", "Showcase.Order", new JsonObject { ["kit"] = kit })
            .Build();
    }
}

/// <summary>Enablement articles that mention the query; relevance by how early the word appears.</summary>
public sealed class ShowcaseArticleSearch : IMessageExtensionSearch
{
    private static readonly string[] Titles = ["Deal registration rules", "Market development funds", "Tier requirements", "Deal registration extensions", "Edge runtime overview"];

    public string Name => "showcase-articles";

    public Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken)
    {
        IReadOnlyList<SearchResultItem> results = Titles
            .Where(t => query.Length == 0 || t.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Select((t, i) => new SearchResultItem(t, "Enablement article", AdaptiveCardBuilder.Create().Title(t).Build(), 0.9 - (i * 0.1)))
            .Skip(skip).Take(count).ToList();
        return Task.FromResult(results);
    }
}

/// <summary>Registrations of the caller's own organisation only.</summary>
public sealed class ShowcaseRegistrationSearch : IMessageExtensionSearch
{
    public string Name => "showcase-registrations";

    public Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken)
    {
        var mine = new[] { ("DR-1001", "bluewave", 0.95), ("DR-1002", "keystone", 0.85), ("DR-1003", "bluewave", 0.55) }
            .Where(r => r.Item2 == caller.OrganisationId && (query.Length == 0 || query.Contains("deal", StringComparison.OrdinalIgnoreCase) || r.Item1.Contains(query, StringComparison.OrdinalIgnoreCase)));
        IReadOnlyList<SearchResultItem> results = mine
            .Select(r => new SearchResultItem($"{r.Item1} deal registration", $"{r.Item2}", AdaptiveCardBuilder.Create().Title(r.Item1).Build(), r.Item3))
            .Skip(skip).Take(count).ToList();
        return Task.FromResult(results);
    }
}

public static class Showcase
{
    public const string Utterance = "show me the sample kit request";

    /// <summary>Registers the showcase capability on a host under test.</summary>
    public static void Register(WebApplicationBuilder builder)
    {
        builder.Services.AddAssistantPlugin<ShowcasePlugin>("Showcase");
        builder.Services.AddSingleton<IDialogProvider, ShowcaseOrderDialog>();
        builder.Services.AddSingleton<IMessageExtensionSearch, ShowcaseArticleSearch>();
        builder.Services.AddSingleton<IMessageExtensionSearch, ShowcaseRegistrationSearch>();
    }

    /// <summary>Keeps the test-only intents of <see cref="TestPrompts"/> out of the welcome, so screenshots show the product.</summary>
    public static void HideTestIntentsFromHelp(string promptsFolder)
    {
        var file = Path.Combine(promptsFolder, "intents", "zz-trouble.yaml");
        if (File.Exists(file))
        {
            File.WriteAllText(file, File.ReadAllText(file).Replace("roles: [all]", "roles: [all]\n    offer_in_help: false", StringComparison.Ordinal));
        }
    }

    /// <summary>Adds the showcase intents to a copy of the prompts folder.</summary>
    public static void AddIntents(string promptsFolder) =>
        File.WriteAllText(Path.Combine(promptsFolder, "intents", "zz-showcase.yaml"), $"""
            plugin: Showcase
            title: Test only
            intents:
              - function: ShowRequest
                summary: Show the sample kit request
                roles: [all]
                offer_in_help: false
                examples: [{Utterance}, sample kit request card please]
              - function: Approve
                summary: Approve the sample kit request
                roles: [all]
                offer_in_help: false
                examples: [approve sample kit SK-7]
            """);
}
