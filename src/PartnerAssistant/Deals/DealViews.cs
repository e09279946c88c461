namespace PartnerAssistant.Deals;

/// <summary>A registration as a caller may see it. For partner callers the fields naming other
/// registrations (<see cref="ConflictsWith"/>) are empty.</summary>
public sealed record RegistrationView
{
    public required long Number { get; init; }
    public string NumberText => RegistrationNumber.Format(Number);
    public required RegistrationStatus Status { get; init; }
    public required string PartnerId { get; init; }
    public required string PartnerName { get; init; }
    public required string SubmittedBy { get; init; }
    public required string Customer { get; init; }

    /// <summary>The customer the name was flagged as possibly being (channel team only).</summary>
    public string? PossibleMatch { get; init; }

    /// <summary>True when the customer was flagged as a possible match of another one (shown to everyone, the name only to the channel team).</summary>
    public bool FlaggedPossibleMatch { get; init; }

    public required string Opportunity { get; init; }
    public required Products Products { get; init; }
    public required decimal Amount { get; init; }
    public required string Currency { get; init; }
    public required DateOnly ExpectedClose { get; init; }
    public required PartnerRole Role { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public required DateTimeOffset ReviewDueAt { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public DateTimeOffset? ProtectedUntil { get; init; }
    public bool Extended { get; init; }
    public string? ConflictRule { get; init; }
    public string? ConflictReason { get; init; }
    public IReadOnlyList<string> ConflictsWith { get; init; } = [];
    public DateOnly? ClosedOn { get; init; }
    public decimal? ClosedAmount { get; init; }
    public bool IsOverdue { get; init; }
    public IReadOnlyList<TouchView> Touches { get; init; } = [];
    public IReadOnlyList<DecisionView> Decisions { get; init; } = [];

    public string StatusText => DealLifecycle.Describe(Status);
}

public sealed record TouchView(string PartnerId, string PartnerName, PartnerRole Role, DateOnly TouchedOn, TouchSource Source);

public sealed record DecisionView(DecisionKind Kind, string Rule, string Reason, string DecidedBy, DateTimeOffset DecidedAt);

/// <summary>The answer to submitting a registration: the registration, whether it was a repeat of an
/// earlier delivery, and what the conflict check found.</summary>
public sealed record RegistrationResult(RegistrationView Registration, bool Duplicate, ConflictAssessment Assessment, string? CoexistenceNote);

/// <summary>The answer to "is this customer registered?" for a partner: nothing that names another partner.</summary>
public sealed record CustomerRegistrationAnswer(
    string Query,
    string? Customer,
    IReadOnlyList<RegistrationView> Own,
    int ActiveByOthers,
    Products ProductsByOthers,
    IReadOnlyList<string> RolesByOthers,
    bool SimilarCustomerExists);

/// <summary>Every partner touch on a customer's deals, for the vendor's own staff.</summary>
public sealed record CustomerActivity(
    string Query,
    IReadOnlyList<string> Customers,
    IReadOnlyList<string> PossibleMatches,
    IReadOnlyList<CustomerTouch> Touches,
    IReadOnlyList<RegistrationView> Registrations);

public sealed record CustomerTouch(string Customer, string Number, RegistrationStatus Status, string PartnerId, string PartnerName, PartnerRole Role, DateOnly TouchedOn, bool Protected);

/// <summary>What one maintenance run did.</summary>
public sealed record MaintenanceReport(IReadOnlyList<string> Expired, IReadOnlyList<string> Reminded, IReadOnlyList<string> Overdue);
