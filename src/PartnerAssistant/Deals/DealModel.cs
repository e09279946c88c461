using System.Text.Json.Serialization;

namespace PartnerAssistant.Deals;

/// <summary>Where a deal registration is in its life. See <see cref="DealLifecycle"/> for the allowed moves.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RegistrationStatus>))]
public enum RegistrationStatus
{
    /// <summary>Received, no conflict found; waits for the channel team's decision.</summary>
    Submitted,

    /// <summary>Received with a conflict (or a possible one); a channel manager decides under the rules of engagement.</summary>
    UnderReview,

    /// <summary>Approved and protected until <see cref="DealRegistration.ProtectedUntilMs"/>.</summary>
    Approved,
    Rejected,

    /// <summary>The protection period ended; the registration protects nobody any more.</summary>
    Expired,
    Won,
    Lost,
}

/// <summary>The part a partner plays on a deal; also the type of a recorded touch.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PartnerRole>))]
public enum PartnerRole
{
    /// <summary>Transacts and bills the deal.</summary>
    Reseller,

    /// <summary>Transacts through a cloud-marketplace private offer.</summary>
    Marketplace,

    /// <summary>Designs, builds or integrates the solution (systems integrator or MSP).</summary>
    Integration,

    /// <summary>Ships a software component that is part of the solution.</summary>
    IsvComponent,

    /// <summary>Recommended Northbeam or shaped the requirements without transacting.</summary>
    Influence,

    /// <summary>Introduced the customer or passed the lead.</summary>
    Referral,
}

/// <summary>Northbeam's products, as a set (a registration covers one or more).</summary>
[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<Products>))]
public enum Products
{
    None = 0,
    DataFabric = 1,
    AiStudio = 2,
    EdgeRuntime = 4,
    CloudMigration = 8,
}

/// <summary>How a touch got onto a deal.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TouchSource>))]
public enum TouchSource
{
    /// <summary>The registering partner's own touch, created with the registration.</summary>
    Registration,

    /// <summary>A partner the registering partner listed as involved.</summary>
    Listed,

    /// <summary>Added later, from evidence (by the channel team or the owner).</summary>
    Recorded,

    /// <summary>Brought in by a CSV import from a CRM.</summary>
    Imported,
}

/// <summary>A customer, known under one normalised name (so "Contoso Ltd" and "contoso.com" are one).</summary>
public sealed class Customer
{
    public long Id { get; set; }
    public required string Name { get; set; }

    /// <summary>See <see cref="CustomerNames.Normalize"/>; unique.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The first letters of the normalised name: the candidates compared for a possible match.</summary>
    public required string BlockingKey { get; set; }

    public string? Domain { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>A partner's claim on an opportunity: the program's deal registration.</summary>
public sealed class DealRegistration
{
    public long Id { get; set; }

    /// <summary>The registration number without its prefix (1042 for DR-1042).</summary>
    public long Number { get; set; }

    /// <summary>The registering partner organisation.</summary>
    public required string OrganisationId { get; set; }

    /// <summary>The person who submitted it (a directory person id).</summary>
    public required string SubmittedBy { get; set; }

    public long CustomerId { get; set; }

    /// <summary>Set only when the registration brings a new customer, so both are saved together.</summary>
    public Customer? Customer { get; set; }

    /// <summary>The customer as the partner wrote it.</summary>
    public required string CustomerName { get; set; }

    /// <summary>A different customer whose name is close enough to be the same one; flagged for the channel manager, never merged.</summary>
    public long? PossibleMatchCustomerId { get; set; }

    public required string Opportunity { get; set; }
    public Products Products { get; set; }
    public decimal Amount { get; set; }
    public required string Currency { get; set; }
    public DateOnly ExpectedClose { get; set; }
    public PartnerRole Role { get; set; }
    public RegistrationStatus Status { get; set; }

    /// <summary>Carried in the card's submit data: the same submission delivered twice creates one registration.</summary>
    public required string SubmissionKey { get; set; }

    public long SubmittedAtMs { get; set; }
    public long ReviewDueAtMs { get; set; }
    public long? DecidedAtMs { get; set; }
    public long? ApprovedAtMs { get; set; }
    public long? ProtectedUntilMs { get; set; }
    public int? ProtectionDays { get; set; }
    public bool Extended { get; set; }

    /// <summary>The rule of engagement that sent it to review (e.g. RoE-1).</summary>
    public string? ConflictRule { get; set; }

    /// <summary>Why it went to review, in words a partner may read (no other partner named).</summary>
    public string? ConflictReason { get; set; }

    /// <summary>The registrations it conflicts with ("DR-1017,DR-1020"); for the channel team only.</summary>
    public string? ConflictsWith { get; set; }

    /// <summary>The smallest "days before expiry" reminder already sent.</summary>
    public int? LastReminderDays { get; set; }

    public bool OverdueNotified { get; set; }
    public DateOnly? ClosedOn { get; set; }
    public decimal? ClosedAmount { get; set; }

    public List<PartnerTouch> Touches { get; set; } = [];

    public string DisplayNumber => RegistrationNumber.Format(Number);

    /// <summary>The outcome of a closed deal; null while it is open.</summary>
    public DealOutcome? Outcome => Status is RegistrationStatus.Won or RegistrationStatus.Lost && ClosedOn is { } closed
        ? new DealOutcome(Status == RegistrationStatus.Won, ClosedAmount ?? Amount, Currency, closed)
        : null;
}

/// <summary>How a deal ended: won or lost, with its final amount.</summary>
public sealed record DealOutcome(bool Won, decimal Amount, string Currency, DateOnly ClosedOn);

/// <summary>One partner's contribution to a deal, with its role and date.</summary>
public sealed class PartnerTouch
{
    public long Id { get; set; }
    public long RegistrationId { get; set; }
    public required string PartnerId { get; set; }
    public PartnerRole Role { get; set; }
    public DateOnly TouchedOn { get; set; }
    public TouchSource Source { get; set; }
    public required string RecordedBy { get; set; }
    public long RecordedAtMs { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<DecisionKind>))]
public enum DecisionKind
{
    Approved,
    Rejected,
    Extended,
}

/// <summary>A channel team decision on a registration, with the rule applied and the reason.</summary>
public sealed class ReviewDecision
{
    public long Id { get; set; }
    public long RegistrationId { get; set; }
    public DecisionKind Kind { get; set; }
    public required string Rule { get; set; }
    public required string Reason { get; set; }
    public required string DecidedBy { get; set; }
    public long DecidedAtMs { get; set; }
}

/// <summary>One line of the append-only audit log: who did what, when, and why.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public long AtMs { get; set; }

    /// <summary>A person id, or <c>system</c> for the lifecycle service, or <c>cli:…</c>.</summary>
    public required string Actor { get; set; }

    public required string ActorRole { get; set; }
    public required string Action { get; set; }
    public long? RegistrationNumber { get; set; }
    public RegistrationStatus? FromStatus { get; set; }
    public RegistrationStatus? ToStatus { get; set; }
    public string? Rule { get; set; }
    public string? Reason { get; set; }

    /// <summary>Extra facts as JSON (amounts, touches, imported file).</summary>
    public string? Details { get; set; }
}

/// <summary>What the program spent on a partner in a period (in the reporting currency): the denominator of ROPI.</summary>
public sealed class ProgramInvestment
{
    public long Id { get; set; }
    public required string PartnerId { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public decimal Mdf { get; set; }
    public decimal Rebates { get; set; }
    public decimal Enablement { get; set; }
    public required string UpdatedBy { get; set; }
    public long UpdatedAtMs { get; set; }

    public decimal Total => Mdf + Rebates + Enablement;
}

/// <summary>A named counter (SQLite has no sequences): the next registration number.</summary>
public sealed class DealCounter
{
    public required string Name { get; set; }
    public long NextValue { get; set; }
}
