using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Prediction;

/// <summary>
/// Win probability for deals: a registration (through the deal registry, which decides what the
/// caller may see), a deal described in words, and what-ifs on the deal scored last in the
/// conversation.
/// </summary>
public sealed class PredictionPlugin(DealAdvisor advisor)
{
    /// <summary>Conversation state key of the deal scored last, for what-ifs.</summary>
    public const string LastDealKey = "prediction.lastDeal";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [KernelFunction("ScoreRegistration"), Description("Gives the win probability of a registered deal, by registration number (DR-1042) or customer name, with the factors that raise and lower it.")]
    public async Task<AssistantReply> ScoreRegistrationAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Submitted card data (JSON) with a 'registration' field")] string value = "",
        CancellationToken cancellationToken = default)
    {
        var turn = kernel.GetTurn();
        var key = DealDescriptionParser.RegistrationKey(utterance) ?? Field(value, "registration");
        if (key is null)
        {
            return AssistantReply.Say("Which deal? Give me its registration number (like DR-1042) or the customer's name.")
                .WithSuggestions("what are the odds on a 300k SI-led deal in EMEA with co-sell?");
        }

        if (!advisor.CanFindRegistrations)
        {
            return AssistantReply.Say($"Scoring a registration needs the deal registry, which isn't connected here yet, so I can't look up {key}. " +
                "Describe the deal instead and I'll score it, e.g. \"how likely is a 300k SI-led deal in EMEA with co-sell to close?\"");
        }

        var facts = await advisor.FindAsync(turn.Caller, key, cancellationToken);
        if (facts is null)
        {
            return AssistantReply.Say($"I can't find a registration for {key} that you can see.");
        }

        return Score(turn, facts, []);
    }

    [KernelFunction("ScoreDescribedDeal"), Description("Gives the win probability of a deal described in words (size, route to market, region, partners, co-sell, competitor), with the factors that raise and lower it.")]
    public AssistantReply ScoreDescribedDeal(Kernel kernel,
        [Description("The user's description of the deal")] string utterance = "")
    {
        var turn = kernel.GetTurn();
        var parsed = DealDescriptionParser.Parse(utterance);
        if (parsed.Facts.IsEmpty)
        {
            return AssistantReply.Say("Tell me about the deal: its size, the route to market (resale, SI-led, marketplace private offer, co-sell with direct), " +
                "the region, which partners are involved, whether Northbeam co-sells, and who you're up against.")
                .WithSuggestions("a 300k SI-led deal in EMEA with co-sell against a hyperscaler");
        }

        var (facts, assumptions) = WithCallerDefaults(parsed.Facts, turn.Caller);
        var scored = Score(turn, facts, [.. assumptions, .. parsed.Assumptions]);
        if (parsed.Asked.IsEmpty)
        {
            return scored;
        }

        // "… would co-sell help?": the answer to that, with and without, after the deal's odds.
        try
        {
            var outcome = Compare(facts, parsed.Asked);
            return scored with { Text = scored.Text + "\n\n" + WhatIfText(outcome, facts) };
        }
        catch (ModelUnavailableException)
        {
            return scored;
        }
    }

    [KernelFunction("WhatIf"), Description("Re-scores the deal scored last with a change (add co-sell, a certified SI, an influence partner, a marketplace private offer, resolve conflict, another amount) and gives the probability before and after.")]
    public AssistantReply WhatIf(Kernel kernel,
        [Description("The change, in the user's words")] string utterance = "",
        [Description("Submitted card data (JSON) with a 'change' field naming a lever")] string value = "")
    {
        var turn = kernel.GetTurn();
        if (!turn.State.Values.TryGetValue(LastDealKey, out var node) || node is null || node.Deserialize<DealFacts>(Json) is not { } deal)
        {
            return AssistantReply.Say("Score a deal first, then ask what-ifs, e.g. \"what are the odds on a 300k SI-led deal in EMEA?\" and then \"what if we add co-sell?\"");
        }

        try
        {
            WhatIfOutcome? outcome;
            if (Field(value, "change") is { } lever)
            {
                outcome = advisor.WhatIf(deal, lever);
            }
            else
            {
                var parsed = DealDescriptionParser.Parse(utterance);
                var change = parsed.Facts.Merge(parsed.Asked);
                outcome = change.IsEmpty ? null : Compare(deal, change);
            }

            if (outcome is null)
            {
                var suggestions = advisor.Assess(deal).WhatIfs;
                var list = suggestions.Count == 0 ? "none of the usual changes would raise it." : string.Join(" ", suggestions.Select(w => DealScoreCard.Sentence(w) + "."));
                return AssistantReply.Say($"Which change? For {DealScoreCard.Title(deal)}, {(suggestions.Count == 0 ? list : "what helps most: " + list)} You can also ask \"what if it were 500k?\" or \"what if it went through a marketplace private offer?\"");
            }

            return AssistantReply.Say(WhatIfText(outcome, deal)).WithCard(DealScoreCard.WhatIfCard(outcome.Baseline ?? deal, outcome));
        }
        catch (ModelUnavailableException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
    }

    /// <summary>The deal with and without the change, whichever it already has: asking "what if we add co-sell?" about a deal
    /// that has co-sell compares it with the same deal without co-sell, rather than with itself; a deal that does not say
    /// is compared without and with.</summary>
    private WhatIfOutcome Compare(DealFacts deal, DealFacts change)
    {
        var without = deal with
        {
            CoSell = Without(deal.CoSell, change.CoSell),
            CertifiedSi = Without(deal.CertifiedSi, change.CertifiedSi),
            InfluencePartner = Without(deal.InfluencePartner, change.InfluencePartner),
            IsvComponent = Without(deal.IsvComponent, change.IsvComponent),
            ChannelConflict = Without(deal.ChannelConflict, change.ChannelConflict),
        };
        var already = Had(deal.CoSell, change.CoSell) || Had(deal.CertifiedSi, change.CertifiedSi) || Had(deal.InfluencePartner, change.InfluencePartner)
            || Had(deal.IsvComponent, change.IsvComponent) || Had(deal.ChannelConflict, change.ChannelConflict);
        return without == deal
            ? advisor.WhatIf(deal, change, DescribeChange(change))
            : advisor.WhatIf(without, change, DescribeChange(change)) with { Baseline = without, AlreadyTrue = already };
    }

    private static bool? Without(bool? has, bool? asked) => asked is { } value && (has == value || has is null) ? !value : has;

    private static bool Had(bool? has, bool? asked) => asked is { } value && has == value;

    private static string WhatIfText(WhatIfOutcome outcome, DealFacts deal)
    {
        var caveat = outcome.Caveat is null ? "." : $"; note that {outcome.Caveat}.";
        return outcome.AlreadyTrue
            ? $"The deal already has {outcome.Change}. Without it the odds would be {DealScoreCard.Percent(outcome.From)}; with it, **{DealScoreCard.Percent(outcome.To)}**{caveat}"
            : $"{DealScoreCard.Capitalise(outcome.Change)} would move {DealScoreCard.Title(deal)} from {DealScoreCard.Percent(outcome.From)} to **{DealScoreCard.Percent(outcome.To)}**{caveat}";
    }

    private AssistantReply Score(AssistantTurn turn, DealFacts facts, IReadOnlyList<string> assumptions)
    {
        DealAssessment assessment;
        try
        {
            assessment = advisor.Assess(facts);
        }
        catch (ModelUnavailableException ex)
        {
            return AssistantReply.Say(ex.Message);
        }

        turn.State.Values[LastDealKey] = JsonSerializer.SerializeToNode(facts, Json);
        return AssistantReply.Say(DealScoreCard.Text(assessment, assumptions))
            .WithCard(DealScoreCard.Card(assessment))
            .WithSuggestions([.. assessment.WhatIfs.Select(w => $"what if {w.Change.Replace("adding", "we add", StringComparison.Ordinal)}?").Take(2)]);
    }

    /// <summary>A partner describing a deal is usually the registering partner: their type, tier and region fill the gaps.</summary>
    public static (DealFacts Facts, IReadOnlyList<string> Assumptions) WithCallerDefaults(DealFacts facts, Caller caller)
    {
        var organisation = caller.Organisation;
        if (!caller.Role.IsPartner() || organisation.IsVendor)
        {
            return (facts, []);
        }

        var assumptions = new List<string>();
        if (facts.PartnerType is null && organisation.PartnerType is { } type)
        {
            facts = facts with { PartnerType = type };
            assumptions.Add($"{organisation.Name} ({type.Describe()}) registers it");
        }

        if (facts.PartnerTier is null && organisation.Tier is { } tier)
        {
            facts = facts with { PartnerTier = tier };
            assumptions.Add($"your {tier} tier");
        }

        if (facts.Region is null && organisation.Region is "NA" or "EMEA" or "APAC" or "LATAM")
        {
            facts = facts with { Region = organisation.Region };
            assumptions.Add($"your region, {organisation.Region}");
        }

        return (facts, assumptions);
    }

    /// <summary>The facts a what-if changes, said as what would be done: "co-selling with Northbeam and making it a
    /// $500,000 deal". It is the subject of "… would move the deal from 41 % to 53 %".</summary>
    public static string DescribeChange(DealFacts change)
    {
        var parts = new List<string>();
        if (change.CoSell is { } coSell)
        {
            parts.Add(coSell ? "co-selling with Northbeam" : "dropping co-sell");
        }

        if (change.CertifiedSi is { } si)
        {
            parts.Add(si ? "adding a certified SI" : "going without a certified SI");
        }

        if (change.InfluencePartner is { } influence)
        {
            parts.Add(influence ? "engaging an influence partner" : "going without an influence partner");
        }

        if (change.IsvComponent is { } isv)
        {
            parts.Add(isv ? "adding an ISV component" : "going without an ISV component");
        }

        if (change.ChannelConflict is { } conflict)
        {
            parts.Add(conflict ? "running into channel conflict" : "resolving the channel conflict");
        }

        if (change.Route is { } route)
        {
            parts.Add(route switch
            {
                RouteToMarket.SiLed => "making it SI-led",
                RouteToMarket.MarketplacePrivateOffer => "selling through a marketplace private offer",
                RouteToMarket.CoSellWithDirect => "letting Northbeam direct transact with partners co-selling",
                _ => "selling through a reseller",
            });
        }

        if (change.AmountUsd is { } amount)
        {
            parts.Add("making it a $" + amount.ToString("#,0", CultureInfo.InvariantCulture) + " deal");
        }

        if (change.Region is { } region)
        {
            parts.Add("selling in " + region);
        }

        if (change.Competitor is { } competitor)
        {
            parts.Add(competitor == CompetitorKind.None ? "having no competitor" : DealColumns.Describe(DealColumns.Competitor, DealColumns.Cell(competitor)));
        }

        if (change.PartnerTier is { } tier)
        {
            parts.Add($"having a {tier} partner register it");
        }

        if (change.Segment is { } segment)
        {
            parts.Add($"selling to {(segment == CustomerSegment.Enterprise ? "an" : "a")} {DealColumns.Cell(segment).ToLowerInvariant()} customer");
        }

        if (change.PartnersInvolved is { } partners)
        {
            parts.Add(partners == 1 ? "having one partner on the deal" : $"having {partners} partners on the deal");
        }

        if (change.Products is { } products)
        {
            parts.Add("including " + DealScoreCard.Join(products.ToString().Split(", ").Select(p => p.Replace("Ai", "AI ", StringComparison.Ordinal)
                .Replace("DataFabric", "Data Fabric", StringComparison.Ordinal).Replace("EdgeRuntime", "Edge Runtime", StringComparison.Ordinal)
                .Replace("CloudMigration", "Cloud Migration", StringComparison.Ordinal))));
        }

        if (change.PriorCustomerRevenueUsd is { } prior)
        {
            parts.Add(prior == 0 ? "selling to a new customer" : "selling to an existing customer");
        }

        return parts.Count == 0 ? "that change" : DealScoreCard.Join(parts);
    }

    private static string? Field(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(value)?[name]?.GetValue<string>() is { Length: > 0 } field ? field : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

}
