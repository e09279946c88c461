using System.Globalization;
using System.Text.Json.Nodes;
using PartnerAssistant.Cards;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>The registration form as the partner last saw it: what the assistant understood, or what they submitted.</summary>
public sealed record RegistrationDraft
{
    public string Customer { get; init; } = "";
    public string? CustomerDomain { get; init; }
    public string Opportunity { get; init; } = "";
    public Products Products { get; init; }
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
    public DateOnly? ExpectedClose { get; init; }
    public PartnerRole? Role { get; init; }
    public IReadOnlyList<InvolvedPartner> OtherPartners { get; init; } = [];
    public string SubmissionKey { get; init; } = "";

    public RegistrationRequest ToRequest(string defaultCurrency) => new()
    {
        Customer = Customer,
        CustomerDomain = CustomerDomain,
        Opportunity = Opportunity,
        Products = Products,
        Amount = Amount,
        Currency = string.IsNullOrWhiteSpace(Currency) ? defaultCurrency : Currency,
        ExpectedClose = ExpectedClose,
        Role = Role,
        OtherPartners = OtherPartners,
        SubmissionKey = SubmissionKey,
    };

    public const int OtherPartnerSlots = 3;

    /// <summary>Reads the form's submitted inputs (Teams sends every input value as a string).</summary>
    public static RegistrationDraft FromSubmit(JsonObject value)
    {
        string? Text(string name) => value[name] is JsonValue v ? v.ToString().Trim() is { Length: > 0 } s ? s : null : null;

        var others = new List<InvolvedPartner>();
        for (var i = 1; i <= OtherPartnerSlots; i++)
        {
            if (Text($"partner{i}") is { } partner && DealCatalog.ParseRole(Text($"partnerRole{i}")) is { } role)
            {
                others.Add(new InvolvedPartner(partner, role));
            }
        }

        var amountText = Text("amount");
        return new RegistrationDraft
        {
            Customer = Text("customer") ?? "",
            CustomerDomain = Text("customerDomain"),
            Opportunity = Text("opportunity") ?? "",
            Products = DealCatalog.ParseProducts(Text("products")).Products,
            Amount = amountText is not null && decimal.TryParse(amountText, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var amount) ? amount : null,
            Currency = Text("currency")?.ToUpperInvariant(),
            ExpectedClose = DateOnly.TryParseExact(Text("expectedClose") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var close) ? close : null,
            Role = DealCatalog.ParseRole(Text("role")),
            OtherPartners = others,
            SubmissionKey = Text("submissionKey") ?? "",
        };
    }
}

/// <summary>The deal registration cards: the form, a registration's facts, the channel manager's review card, the reminder.</summary>
public static class DealCards
{
    public const string SubmitIntent = "Deals.SubmitRegistration";
    public const string ApproveIntent = "Deals.Approve";
    public const string RejectIntent = "Deals.Reject";
    public const string ReviewIntent = "Deals.ReviewRegistration";
    public const string ExtendIntent = "Deals.ExtendRegistration";

    public static JsonObject RegistrationForm(RegistrationDraft draft, Organisation registrant, IReadOnlyList<Organisation> partners, DealOptions options, IReadOnlyList<string>? problems = null)
    {
        var card = AdaptiveCardBuilder.Create().Title("Register a deal");
        if (problems is { Count: > 0 })
        {
            foreach (var problem in problems)
            {
                card.Text("⚠ " + problem, color: "Attention");
            }
        }
        else
        {
            card.Text("Check what I understood, complete the rest, and submit. Fields marked required must be filled.", subtle: true);
        }

        var roles = DealCatalog.RolesFor(registrant.PartnerType);
        var others = partners.Where(p => !p.IsVendor && p.Id != registrant.Id).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        card.TextInput("customer", "Customer", draft.Customer, "Customer's legal name, e.g. Contoso Ltd", required: true, maxLength: 200)
            .TextInput("customerDomain", "Customer web domain (optional)", draft.CustomerDomain, "contoso.com", maxLength: 200)
            .TextInput("opportunity", "Opportunity", draft.Opportunity, "e.g. Contoso – Azure migration", required: true, maxLength: 200)
            .ChoiceInput("products", "Northbeam products", DealCatalog.AllProducts.Select(p => (DealCatalog.Name(p), DealCatalog.Code(p))),
                draft.Products == Products.None ? null : string.Join(",", DealCatalog.Split(draft.Products).Select(DealCatalog.Code)), required: true, multiSelect: true, expanded: true)
            .NumberInput("amount", "Expected amount", draft.Amount is { } amount ? (double)amount : null, min: 0, required: true)
            .ChoiceInput("currency", "Currency", options.ExchangeRates.Keys.Order(StringComparer.Ordinal).Select(c => (c, c)), draft.Currency ?? options.DefaultCurrency, required: true)
            .DateInput("expectedClose", "Expected close date", draft.ExpectedClose, required: true)
            .ChoiceInput("role", "Your role on the deal", roles.Select(r => (Capitalise(DealCatalog.Describe(r)), DealCatalog.Code(r))),
                DealCatalog.Code(draft.Role is { } role && roles.Contains(role) ? role : DealCatalog.DefaultRole(registrant.PartnerType)), required: true);
        card.Text("Other partners involved (optional): listing them does not put your registration at risk; different roles co-exist (RoE-2).", subtle: true);
        for (var i = 1; i <= RegistrationDraft.OtherPartnerSlots; i++)
        {
            var listed = i <= draft.OtherPartners.Count ? draft.OtherPartners[i - 1] : null;
            card.ChoiceInput($"partner{i}", $"Other partner {i}", others.Select(p => (p.Name, p.Id)), listed?.PartnerId)
                .ChoiceInput($"partnerRole{i}", $"Role of other partner {i}", DealCatalog.AllRoles.Select(r => (Capitalise(DealCatalog.Describe(r)), DealCatalog.Code(r))), listed is null ? null : DealCatalog.Code(listed.Role));
        }

        return card.Submit("Register deal", SubmitIntent, new JsonObject { ["submissionKey"] = draft.SubmissionKey }, style: "positive").Build();
    }

    /// <summary>A registration's facts. <paramref name="internalView"/> adds what only the channel team may see.</summary>
    public static JsonObject Registration(RegistrationView view, bool internalView, bool offerExtension = false)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title($"{view.NumberText} · {view.Customer} – {view.Opportunity}")
            .Facts(Facts(view, internalView));
        if (view.ConflictReason is { Length: > 0 } reason && DealLifecycle.IsPendingReview(view.Status))
        {
            card.Text(reason, color: "Warning");
        }

        if (view.Decisions.LastOrDefault() is { } decision)
        {
            card.Text($"Last decision: {decision.Kind.ToString().ToLowerInvariant()} under {DealRules.Describe(decision.Rule)} on {DealText.Date(DateOnly.FromDateTime(decision.DecidedAt.UtcDateTime))}: {decision.Reason}", subtle: true);
        }

        if (offerExtension && view.Status == RegistrationStatus.Approved && !view.Extended)
        {
            card.Submit("Request the one-time extension", ExtendIntent, new JsonObject { ["number"] = view.NumberText });
        }

        return card.Build();
    }

    /// <summary>The channel manager's approval card: the registration, the conflict evidence, and approve/reject with rule and reason.</summary>
    public static JsonObject Review(RegistrationView view, IReadOnlyList<RegistrationView> competing, Organisation? registrant)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title($"Review {view.NumberText} · {view.PartnerName}")
            .Text($"{view.Customer} – {view.Opportunity}", weight: "Bolder")
            .Facts(Facts(view, internalView: true));
        if (view.IsOverdue)
        {
            card.Text($"Overdue: the decision was due {DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime))}.", color: "Attention", weight: "Bolder");
        }

        if (view.ConflictRule is { } rule)
        {
            card.Text($"Sent to review under {DealRules.Describe(rule)}.", color: "Warning", weight: "Bolder");
        }

        if (view.PossibleMatch is { } match)
        {
            card.Text($"Customer flagged as a possible match of \"{match}\" (kept separate; decide whether it is the same company).", color: "Warning");
        }

        foreach (var other in competing)
        {
            card.Text($"Conflicts with {other.NumberText}: {other.PartnerName}, {DealCatalog.Describe(other.Role)}, {other.StatusText}" +
                (other.ProtectedUntil is { } until && other.Status == RegistrationStatus.Approved ? $", protected until {DealText.Date(DateOnly.FromDateTime(until.UtcDateTime))}" : "") +
                $"; {DealCatalog.Describe(other.Products)}; {Money.Format(other.Amount, other.Currency)}; submitted {DealText.Date(DateOnly.FromDateTime(other.SubmittedAt.UtcDateTime))}" +
                $"; touches: {string.Join(", ", other.Touches.Select(t => $"{t.PartnerName} ({DealCatalog.Describe(t.Role)}, {DealText.Date(t.TouchedOn)})"))}.", subtle: true);
        }

        if (competing.Count > 0 && registrant?.PartnerType is PartnerType.SystemsIntegrator or PartnerType.ManagedServiceProvider)
        {
            card.Text($"{DealRules.Describe(DealRules.Incumbency)} may apply if {registrant.Name} runs the customer's current Northbeam estate and this is an expansion.", subtle: true);
        }

        var rules = DealRules.RulesOfEngagement.Select(r => ($"{r.Key} – {r.Value}", r.Key)).ToList();
        card.ChoiceInput("rule", "Rule applied", rules, view.ConflictRule is { } r0 && DealRules.RulesOfEngagement.ContainsKey(r0) ? r0 : null)
            .TextInput("reason", "Reason (both partners are told)", placeholder: "e.g. signed SOW dated 12 March shows earlier engagement", multiline: true, maxLength: 2000);
        return card
            .Execute("Approve", ApproveIntent, new JsonObject { ["number"] = view.NumberText }, style: "positive")
            .Execute("Reject", RejectIntent, new JsonObject { ["number"] = view.NumberText }, style: "destructive")
            .Build();
    }

    /// <summary>The second step of a decision on the card: the same choice again, with the rule and reason spelled out.</summary>
    public static JsonObject ConfirmDecision(RegistrationView view, bool approve, string? rule, string reason)
    {
        var verb = approve ? "Approve" : "Reject";
        return AdaptiveCardBuilder.Create()
            .Title($"{verb} {view.NumberText}?")
            .Text($"{view.PartnerName} · {view.Customer} – {view.Opportunity}")
            .Facts([("Rule", rule is null ? "(none cited)" : DealRules.Describe(rule)), ("Reason", reason), ("Who is told", "The registering partner and any partner it conflicts with")])
            .Execute($"Yes, {verb.ToLowerInvariant()}", approve ? ApproveIntent : RejectIntent,
                new JsonObject { ["number"] = view.NumberText, ["rule"] = rule, ["reason"] = reason, ["confirmed"] = "true" }, style: approve ? "positive" : "destructive")
            .Execute("Back", ReviewIntent, new JsonObject { ["number"] = view.NumberText })
            .Build();
    }

    public static JsonObject Reminder(RegistrationView view, int daysLeft) =>
        AdaptiveCardBuilder.Create()
            .Title($"{view.NumberText} loses protection in {daysLeft} day{(daysLeft == 1 ? "" : "s")}")
            .Facts(Facts(view, internalView: false))
            .Submit(view.Extended ? "Show the registration" : "Request the one-time extension", view.Extended ? "Deals.RegistrationStatus" : ExtendIntent, new JsonObject { ["number"] = view.NumberText })
            .Build();

    private static IEnumerable<(string, string)> Facts(RegistrationView view, bool internalView)
    {
        yield return ("Status", Capitalise(view.StatusText) + (view.IsOverdue ? " (review overdue)" : ""));
        if (internalView)
        {
            yield return ("Partner", $"{view.PartnerName} ({view.PartnerId}), submitted by {view.SubmittedBy}");
        }

        yield return ("Customer", view.Customer + (view.FlaggedPossibleMatch ? " (flagged: possible match of another customer)" : ""));
        yield return ("Products", DealCatalog.Describe(view.Products));
        yield return ("Amount", Money.Format(view.Amount, view.Currency));
        yield return ("Expected close", DealText.Date(view.ExpectedClose));
        yield return ("Role", DealCatalog.Describe(view.Role));
        yield return ("Submitted", DealText.Date(DateOnly.FromDateTime(view.SubmittedAt.UtcDateTime)));
        if (DealLifecycle.IsPendingReview(view.Status))
        {
            yield return ("Decision due", DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime)));
        }

        if (view.ProtectedUntil is { } until)
        {
            yield return (view.Status == RegistrationStatus.Approved ? "Protected until" : "Protection ended", DealText.Date(DateOnly.FromDateTime(until.UtcDateTime)) + (view.Extended ? " (extended)" : ""));
        }

        if (view.ClosedOn is { } closed)
        {
            yield return (view.Status == RegistrationStatus.Won ? "Won" : "Closed", $"{DealText.Date(closed)}, {Money.Format(view.ClosedAmount ?? view.Amount, view.Currency)}");
        }

        if (view.Touches.Count > 0)
        {
            yield return ("Partner touches", string.Join("; ", view.Touches.Select(t => $"{t.PartnerName} – {DealCatalog.Describe(t.Role)} ({DealText.Date(t.TouchedOn)})")));
        }

        if (internalView && view.ConflictsWith.Count > 0)
        {
            yield return ("Conflicts with", string.Join(", ", view.ConflictsWith));
        }
    }

    internal static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
