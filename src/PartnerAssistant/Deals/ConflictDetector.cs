using Microsoft.EntityFrameworkCore;

namespace PartnerAssistant.Deals;

/// <summary>An active registration that overlaps a new one.</summary>
public sealed record OverlappingRegistration(long Number, string OrganisationId, long CustomerId, RegistrationStatus Status, PartnerRole Role, Products Products, bool OnPossibleMatch);

/// <summary>What the conflict check found for a registration, and what it means under the rules of engagement.</summary>
public sealed record ConflictAssessment(
    IReadOnlyList<OverlappingRegistration> Conflicts,
    IReadOnlyList<OverlappingRegistration> OwnOverlaps,
    IReadOnlyList<OverlappingRegistration> Coexisting)
{
    public static ConflictAssessment None { get; } = new([], [], []);

    /// <summary>True when the registration must go to review rather than wait as submitted.</summary>
    public bool NeedsReview => Conflicts.Count > 0 || OwnOverlaps.Count > 0;

    /// <summary>The rule of engagement the review starts from: RoE-1 against an approved registration of another
    /// partner, RoE-6 against competing claims still pending; none for an overlap with one's own registration.</summary>
    public string? Rule =>
        Conflicts.Any(c => c.Status == RegistrationStatus.Approved && !c.OnPossibleMatch) ? DealRules.FirstApprovedWins
        : Conflicts.Count > 0 ? DealRules.EvidenceDecidesTies
        : OwnOverlaps.Count > 0 ? DealRules.Review
        : null;

    /// <summary>Why the registration went to review, for the registering partner: never names another partner.</summary>
    public string? PartnerReason(Products products, PartnerRole role, int reviewDays)
    {
        var decision = $"A channel manager decides within {reviewDays} business day{(reviewDays == 1 ? "" : "s")} and tells you which rule applied.";
        var overlap = DealCatalog.Describe(products & Conflicts.Concat(OwnOverlaps).Aggregate(Products.None, (set, c) => set | c.Products));
        if (Conflicts.Any(c => c.Status == RegistrationStatus.Approved && !c.OnPossibleMatch))
        {
            return $"Another partner already holds an approved, active registration for this customer covering {overlap} in the same role ({DealCatalog.Describe(role)}). " +
                $"Under {DealRules.Describe(DealRules.FirstApprovedWins)} your registration goes to review. {decision}";
        }

        if (Conflicts.Any(c => !c.OnPossibleMatch))
        {
            return $"Another partner has a registration waiting for review for this customer covering {overlap} in the same role ({DealCatalog.Describe(role)}). " +
                $"Competing claims are decided on documented customer engagement under {DealRules.Describe(DealRules.EvidenceDecidesTies)}: send your channel manager your meeting notes and proposals. {decision}";
        }

        if (Conflicts.Count > 0)
        {
            return $"The customer's name is close to another customer that has an active registration covering {overlap} in the same role. " +
                $"I kept it as a separate customer and flagged it: the channel manager checks whether it is the same company. {decision}";
        }

        if (OwnOverlaps.Count > 0)
        {
            var numbers = string.Join(", ", OwnOverlaps.Select(o => RegistrationNumber.Format(o.Number)));
            return $"Your organisation already has {numbers} for this customer covering {overlap}. The channel manager checks whether this is a separate opportunity. {decision}";
        }

        return null;
    }

    /// <summary>A note on partners registered in other roles, which do not conflict (RoE-2, RoE-5); null when there are none.</summary>
    public string? CoexistenceNote(PartnerRole role)
    {
        if (Coexisting.Count == 0)
        {
            return null;
        }

        var marketplace = role == PartnerRole.Marketplace || Coexisting.Any(c => c.Role == PartnerRole.Marketplace);
        var rule = marketplace && DealCatalog.IsTransacting(role) ? DealRules.MarketplacePrivateOffers : DealRules.RolesCoexist;
        return rule == DealRules.MarketplacePrivateOffers
            ? $"Another partner is registered on this customer in a different transacting role. Under {DealRules.Describe(rule)} the marketplace is recorded as a touch and the registered partner of record keeps credit, so there is no conflict."
            : $"Another partner is registered on this customer in a different role. Under {DealRules.Describe(rule)} the roles do not conflict: both touches are recorded and share attribution.";
    }
}

/// <summary>
/// Finds active registrations that overlap a new one: same customer (or a flagged possible match),
/// overlapping products. Another partner in the same transacting role conflicts (RoE-1, RoE-6);
/// other roles co-exist (RoE-2, RoE-5); the registering partner's own overlaps go to review as possible duplicates.
/// </summary>
public static class ConflictDetector
{
    public static async Task<ConflictAssessment> AssessAsync(
        DealsDbContext db, long? customerId, long? possibleMatchId, Products products, PartnerRole role, string organisationId, long nowMs, CancellationToken cancellationToken)
    {
        if (customerId is null && possibleMatchId is null)
        {
            return ConflictAssessment.None;
        }

        var exact = customerId ?? -1;
        var possible = possibleMatchId ?? -1;
        var overlapping = await db.Registrations.AsNoTracking()
            .Where(r => (r.CustomerId == exact || r.CustomerId == possible)
                && (r.Products & products) != Products.None
                && (r.Status == RegistrationStatus.Submitted || r.Status == RegistrationStatus.UnderReview
                    || (r.Status == RegistrationStatus.Approved && r.ProtectedUntilMs > nowMs)))
            .Select(r => new { r.Number, r.OrganisationId, r.CustomerId, r.Status, r.Role, r.Products })
            .ToListAsync(cancellationToken);

        var conflicts = new List<OverlappingRegistration>();
        var own = new List<OverlappingRegistration>();
        var coexisting = new List<OverlappingRegistration>();
        foreach (var r in overlapping.OrderBy(r => r.Number))
        {
            var item = new OverlappingRegistration(r.Number, r.OrganisationId, r.CustomerId, r.Status, r.Role, r.Products, r.CustomerId != exact);
            if (r.OrganisationId == organisationId)
            {
                if (r.Role == role && !item.OnPossibleMatch)
                {
                    own.Add(item);
                }
            }
            else if (r.Role == role && DealCatalog.IsTransacting(role))
            {
                conflicts.Add(item);
            }
            else if (!item.OnPossibleMatch)
            {
                coexisting.Add(item);
            }
        }

        return new ConflictAssessment(conflicts, own, coexisting);
    }
}
