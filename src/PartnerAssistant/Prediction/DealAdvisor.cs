using PartnerAssistant.People;

namespace PartnerAssistant.Prediction;

/// <summary>A fact that moved the score, in plain words.</summary>
public sealed record Factor(string Column, string? Value, double Contribution, string Words);

/// <summary>A change to a deal and the probability before and after it, both computed by the model.</summary>
public sealed record WhatIfOutcome(string Key, string Change, double From, double To, DealFacts Facts, string? Caveat = null)
{
    public double Delta => To - From;

    /// <summary>The deal the change was applied to when it is not the deal asked about: that deal without what it
    /// already had (<see cref="AlreadyTrue"/>), so "what if we add co-sell?" on a co-sell deal compares without and with.</summary>
    public DealFacts? Baseline { get; init; }

    /// <summary>The deal already had the change; <see cref="From"/> is the odds without it.</summary>
    public bool AlreadyTrue { get; init; }
}

/// <summary>A deal's win probability, the facts that raise and lower it most, and suggested what-ifs.</summary>
public sealed record DealAssessment(
    DealFacts Facts,
    double Probability,
    IReadOnlyList<Factor> Raising,
    IReadOnlyList<Factor> Lowering,
    IReadOnlyList<WhatIfOutcome> WhatIfs,
    IReadOnlyList<string> UnknownFacts,
    ModelCard Card,
    string ModelVersion);

/// <summary>
/// Scores deals for people: a win probability, the three facts that raise it most and the three
/// that lower it most (from the model's feature contributions), and the what-ifs worth trying,
/// each computed by changing the deal and scoring it again.
/// </summary>
public sealed class DealAdvisor(DealScorer scorer, IEnumerable<IDealFactsSource> sources)
{
    /// <summary>Changes a partner or rep can act on, tried as what-ifs when they are not already true.</summary>
    private static readonly (string Key, string Change, Func<DealFacts, bool> Applies, Func<DealFacts, DealFacts> Apply)[] Levers =
    [
        ("certified-si", "adding a certified SI", f => f.CertifiedSi != true,
            f => f with { CertifiedSi = true, PartnersInvolved = f.PartnerType == PartnerType.SystemsIntegrator ? f.PartnersInvolved : (f.PartnersInvolved ?? 1) + 1 }),
        ("co-sell", "co-selling with Northbeam", f => f.CoSell != true, f => f with { CoSell = true }),
        ("certified-si-co-sell", "adding a certified SI as co-sell partner", f => f.CertifiedSi != true && f.CoSell != true,
            f => f with { CertifiedSi = true, CoSell = true, PartnersInvolved = f.PartnerType == PartnerType.SystemsIntegrator ? f.PartnersInvolved : (f.PartnersInvolved ?? 1) + 1 }),
        ("influence-partner", "engaging an influence partner", f => f.InfluencePartner != true,
            f => f with { InfluencePartner = true, PartnersInvolved = (f.PartnersInvolved ?? 1) + 1 }),
        ("marketplace", "selling through a marketplace private offer", f => f.Route != RouteToMarket.MarketplacePrivateOffer, f => f with { Route = RouteToMarket.MarketplacePrivateOffer }),
        ("resolve-conflict", "resolving the channel conflict", f => f.ChannelConflict == true, f => f with { ChannelConflict = false }),
        ("isv-component", "adding an ISV component", f => f.IsvComponent != true, f => f with { IsvComponent = true, PartnersInvolved = (f.PartnersInvolved ?? 1) + 1 }),
    ];

    /// <summary>Whether registrations can be looked up (a deal registry is connected).</summary>
    public bool CanFindRegistrations => sources.Any();

    public DeployedModel? Model => scorer.Model;

    /// <summary>The registration's facts as the registry lets this caller see them; null when not found or not visible.</summary>
    public Task<DealFacts?> FindAsync(Caller caller, string registrationNumberOrCustomer, CancellationToken cancellationToken) =>
        sources.FirstOrDefault() is { } source
            ? source.FindAsync(caller, registrationNumberOrCustomer, cancellationToken)
            : throw new InvalidOperationException("No deal registry is connected.");

    public DealAssessment Assess(DealFacts facts, int factors = 3, int whatIfs = 2)
    {
        var model = RequireDealModel();
        var explanation = DealScorer.Explain(model, facts.ToRecord());
        var known = explanation.Contributions
            .Select(c => c.Column == DealColumns.SizeBand ? c with { Column = DealColumns.Amount, Value = facts.ToRecord()[DealColumns.Amount] } : c)
            .GroupBy(c => c.Column, StringComparer.OrdinalIgnoreCase)
            .Select(g => new ColumnContribution(g.Key, g.First().Value, g.Sum(c => c.Contribution)))
            .Where(c => c.Value is not null && Math.Abs(c.Contribution) > 1e-6)
            .ToList();
        var raising = known.Where(c => c.Contribution > 0).OrderByDescending(c => c.Contribution).Take(factors).Select(ToFactor).ToList();
        var lowering = known.Where(c => c.Contribution < 0).OrderBy(c => c.Contribution).Take(factors).Select(ToFactor).ToList();
        var unknown = model.Schema.Columns
            .Where(c => c != DealColumns.SizeBand && facts.ToRecord().TryGetValue(c, out var v) && v is null)
            .Select(DealColumns.Unknown)
            .Distinct()
            .ToList();
        var suggestions = Levers
            .Where(l => l.Applies(facts))
            .Select(l => Evaluate(model, facts, explanation.Probability, l.Key, l.Change, l.Apply(facts)))
            .Where(w => w.Delta >= 0.005)
            .OrderByDescending(w => w.Delta)
            .Take(whatIfs)
            .ToList();
        return new DealAssessment(facts, explanation.Probability, raising, lowering, suggestions, unknown, model.Card, model.Version);
    }

    /// <summary>The probability before and after applying <paramref name="change"/> (only the facts it knows).</summary>
    public WhatIfOutcome WhatIf(DealFacts facts, DealFacts change, string description)
    {
        var model = RequireDealModel();
        var before = DealScorer.Score(model, facts.ToRecord());
        return Evaluate(model, facts, before, "custom", description, facts.Merge(change));
    }

    /// <summary>A named lever (<c>co-sell</c>, <c>certified-si</c>, …) applied to the deal; null for an unknown key.</summary>
    public WhatIfOutcome? WhatIf(DealFacts facts, string leverKey)
    {
        var lever = Levers.FirstOrDefault(l => l.Key == leverKey);
        if (lever.Key is null)
        {
            return null;
        }

        var model = RequireDealModel();
        return Evaluate(model, facts, DealScorer.Score(model, facts.ToRecord()), lever.Key, lever.Change, lever.Apply(facts));
    }

    private static WhatIfOutcome Evaluate(DeployedModel model, DealFacts facts, double before, string key, string change, DealFacts changed)
    {
        var after = DealScorer.Score(model, changed.ToRecord());
        string? caveat = null;
        if (changed.CoSell == true && facts.CoSell != true && changed.PartnerTier is Tier.Registered or Tier.Silver)
        {
            caveat = "co-sell is open to Gold and Platinum partners";
        }

        return new WhatIfOutcome(key, change, before, after, changed, caveat);
    }

    /// <summary>The deployed model, provided it reads deal registration facts (a model trained on some
    /// other CSV cannot score a registration).</summary>
    private DeployedModel RequireDealModel()
    {
        var model = scorer.RequireModel();
        var columns = model.Schema.Columns.ToList();
        var known = columns.Count(c => DealColumns.EntryTime.Contains(c, StringComparer.OrdinalIgnoreCase));
        if (known * 2 < columns.Count)
        {
            throw new ModelUnavailableException(
                $"The deployed model was trained on other columns ({string.Join(", ", columns.Take(5))}…), not on deal registration facts, so it cannot score a deal. Retrain it on a deal history.");
        }

        return model;
    }

    private static Factor ToFactor(ColumnContribution c) => new(c.Column, c.Value, c.Contribution, DealColumns.Describe(c.Column, c.Value));
}
