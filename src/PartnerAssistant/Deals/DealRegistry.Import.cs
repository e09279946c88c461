using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>A registration as a CRM (or the demo data) describes it, with its history: status, dates, outcome and touches.</summary>
public sealed record RegistrationRecord
{
    public long? Number { get; init; }
    public required string PartnerId { get; init; }
    public string? SubmittedBy { get; init; }
    public required string Customer { get; init; }
    public string? CustomerDomain { get; init; }
    public required string Opportunity { get; init; }
    public Products Products { get; init; }
    public decimal Amount { get; init; }
    public required string Currency { get; init; }
    public DateOnly ExpectedClose { get; init; }
    public PartnerRole Role { get; init; }
    public RegistrationStatus Status { get; init; }
    /// <summary>When it was submitted; empty means the time of the import.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }
    public DateTimeOffset? ProtectedUntil { get; init; }
    public bool Extended { get; init; }
    public DateOnly? ClosedOn { get; init; }
    public decimal? ClosedAmount { get; init; }
    public IReadOnlyList<RecordedTouch> Touches { get; init; } = [];
}

public sealed record RecordedTouch(string PartnerId, PartnerRole Role, DateOnly On);

public sealed partial class DealRegistry
{
    /// <summary>Imports registrations and outcomes from CSV (see <see cref="DealCsv"/>). A row whose number (or, without a
    /// number, whose partner, customer, opportunity and submission time) is already known updates the outcome and adds
    /// missing touches; others are created with their history. Rows with problems are left out and reported by line;
    /// the rest are imported in one transaction. Channel managers only.</summary>
    public async Task<ImportReport> ImportCsvAsync(Caller caller, TextReader reader, string source, CancellationToken cancellationToken)
    {
        RequireChannelManager(caller, "import registrations");
        var errors = new List<string>();
        var records = new List<(int Line, RegistrationRecord Record)>();
        Dictionary<string, int>? header = null;
        foreach (var (line, fields) in DealCsv.Read(reader))
        {
            if (header is null)
            {
                header = fields.Select((name, index) => (Name: name.Trim().ToLowerInvariant(), index)).GroupBy(x => x.Name).ToDictionary(g => g.Key, g => g.First().index);
                var missing = new[] { "partner_id", "customer", "opportunity", "products", "amount", "currency", "expected_close", "role" }.Where(c => !header.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                {
                    return new ImportReport(0, 0, 0, [$"line {line}: the header lacks the column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}."]);
                }

                continue;
            }

            var (record, problems) = ParseRow(header, fields);
            if (problems.Count > 0)
            {
                errors.AddRange(problems.Select(p => $"line {line}: {p}"));
            }
            else
            {
                records.Add((line, record!));
            }
        }

        if (header is null)
        {
            return new ImportReport(0, 0, 0, ["The file is empty."]);
        }

        var report = await ImportRecordsAsync(Actor.Of(caller), records, source, cancellationToken);
        return report with { Errors = [.. errors, .. report.Errors] };
    }

    /// <summary>Writes every registration with its outcome and touches as CSV. Sales reps and channel managers only.</summary>
    public async Task<int> ExportCsvAsync(Caller caller, TextWriter writer, CancellationToken cancellationToken)
    {
        RequireInternal(caller, "export registrations");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var customers = await db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken);
        DealCsv.WriteRow(writer, DealCsv.Columns);
        var count = 0;
        await foreach (var r in db.Registrations.AsNoTracking().Include(r => r.Touches).OrderBy(r => r.Number).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var customer = customers.GetValueOrDefault(r.CustomerId);
            DealCsv.WriteRow(writer,
            [
                r.DisplayNumber, r.OrganisationId, r.SubmittedBy, r.CustomerName, customer?.Domain, r.Opportunity,
                string.Join(";", DealCatalog.Split(r.Products).Select(DealCatalog.Code)), DealCsv.Amount(r.Amount), r.Currency,
                DealText.Iso(r.ExpectedClose), DealCatalog.Code(r.Role), DealCsv.FormatStatus(r.Status), DealCsv.Instant(r.SubmittedAtMs),
                DealCsv.Instant(r.ApprovedAtMs), DealCsv.Instant(r.ProtectedUntilMs), r.Extended ? "true" : "false",
                r.ClosedOn is { } closed ? DealText.Iso(closed) : "", DealCsv.Amount(r.ClosedAmount),
                string.Join(";", r.Touches.OrderBy(t => t.TouchedOn).ThenBy(t => t.Id).Select(t => $"{t.PartnerId}:{DealCatalog.Code(t.Role)}:{DealText.Iso(t.TouchedOn)}")),
            ]);
            count++;
        }

        await writer.FlushAsync(cancellationToken);
        return count;
    }

    internal async Task<ImportReport> ImportRecordsAsync(Actor actor, IReadOnlyList<(int Line, RegistrationRecord Record)> records, string source, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var organisations = await directory.OrganisationsAsync(cancellationToken);
        var errors = new List<string>();
        int created = 0, updated = 0, unchanged = 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        long highest = 0;
        foreach (var (line, record) in records)
        {
            var problems = Validate(record, organisations, Today(now));
            if (problems.Count > 0)
            {
                errors.AddRange(problems.Select(p => $"line {line}: {p}"));
                continue;
            }

            var key = "import:" + (record.Number is { } n ? RegistrationNumber.Format(n) : Hash(record));
            var existing = record.Number is { } number
                ? await db.Registrations.Include(r => r.Touches).FirstOrDefaultAsync(r => r.Number == number, cancellationToken)
                : await db.Registrations.Include(r => r.Touches).FirstOrDefaultAsync(r => r.OrganisationId == record.PartnerId && r.SubmissionKey == key, cancellationToken);
            if (existing is not null)
            {
                if (existing.OrganisationId != record.PartnerId)
                {
                    errors.Add($"line {line}: {existing.DisplayNumber} belongs to partner {existing.OrganisationId}, not {record.PartnerId}.");
                    continue;
                }

                var (changed, problem) = Merge(db, existing, record, actor, source, line, Today(now), nowMs);
                if (problem is not null)
                {
                    errors.Add($"line {line}: {problem}");
                }

                if (changed)
                {
                    updated++;
                }
                else if (problem is null)
                {
                    unchanged++;
                }

                continue;
            }

            var (customer, possibleMatch) = await CustomerResolver.ResolveAsync(db, record.Customer, record.CustomerDomain ?? CustomerNames.DomainOf(record.Customer), registrant: null, Settings.PossibleMatchThreshold, nowMs, cancellationToken);
            var registration = Create(record, record.Number ?? await NextNumberAsync(db, cancellationToken), customer.Id, possibleMatch?.Id, key, actor, Today(now));
            registration.Customer = customer.Id == 0 ? customer : null;
            highest = Math.Max(highest, registration.Number);
            if (DealLifecycle.IsPendingReview(registration.Status))
            {
                // A pending registration from a CRM is checked like a new one, so the review starts from the right rule.
                var assessment = await ConflictDetector.AssessAsync(db, customer.Id == 0 ? null : customer.Id, possibleMatch?.Id, registration.Products, registration.Role, registration.OrganisationId, nowMs, cancellationToken);
                if (assessment.NeedsReview)
                {
                    registration.Status = RegistrationStatus.UnderReview;
                    registration.ConflictRule = assessment.Rule;
                    registration.ConflictReason = assessment.PartnerReason(registration.Products, registration.Role, Settings.ReviewBusinessDays);
                    registration.ConflictsWith = string.Join(",", assessment.Conflicts.Concat(assessment.OwnOverlaps).Select(c => RegistrationNumber.Format(c.Number)));
                }
            }

            db.Registrations.Add(registration);
            db.Audit.Add(actor.Entry("imported", registration.Number, null, registration.Status, DealRules.Import, $"Imported from {source}, line {line}.",
                new { partner = record.PartnerId, customer = record.Customer, amount = record.Amount, currency = record.Currency, closedAmount = registration.ClosedAmount }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            created++;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (highest > 0)
        {
            await EnsureNumbersAboveAsync(db, highest, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Imported deals from {Source}: {Created} created, {Updated} updated, {Unchanged} unchanged, {Errors} problems", source, created, updated, unchanged, errors.Count);
        return new ImportReport(created, updated, unchanged, errors);
    }

    private DealRegistration Create(RegistrationRecord record, long number, long customerId, long? possibleMatchId, string key, Actor actor, DateOnly today)
    {
        var submittedAt = record.SubmittedAt ?? time.GetUtcNow();
        var submittedMs = submittedAt.ToUnixTimeMilliseconds();
        var registration = new DealRegistration
        {
            Number = number,
            OrganisationId = record.PartnerId,
            SubmittedBy = record.SubmittedBy ?? actor.Id,
            CustomerId = customerId,
            CustomerName = record.Customer,
            PossibleMatchCustomerId = possibleMatchId,
            Opportunity = record.Opportunity,
            Products = record.Products,
            Amount = record.Amount,
            Currency = record.Currency,
            ExpectedClose = record.ExpectedClose,
            Role = record.Role,
            Status = record.Status,
            SubmissionKey = key,
            SubmittedAtMs = submittedMs,
            ReviewDueAtMs = BusinessDays.Add(submittedAt, Settings.ReviewBusinessDays).ToUnixTimeMilliseconds(),
            Extended = record.Extended,
        };
        if (record.Status is RegistrationStatus.Approved or RegistrationStatus.Expired or RegistrationStatus.Won or RegistrationStatus.Lost)
        {
            var approved = record.ApprovedAt ?? submittedAt;
            registration.ApprovedAtMs = registration.DecidedAtMs = approved.ToUnixTimeMilliseconds();
            registration.ProtectionDays = Settings.ProtectionDays;
            registration.ProtectedUntilMs = (record.ProtectedUntil ?? approved.AddDays(Settings.ProtectionDays + (record.Extended ? Settings.ExtensionDays : 0))).ToUnixTimeMilliseconds();
        }
        else if (record.Status == RegistrationStatus.Rejected)
        {
            registration.DecidedAtMs = submittedMs;
        }

        if (record.Status is RegistrationStatus.Won or RegistrationStatus.Lost)
        {
            registration.ClosedOn = record.ClosedOn ?? Min(record.ExpectedClose, today);
            registration.ClosedAmount = record.ClosedAmount ?? record.Amount;
        }

        var submittedOn = DateOnly.FromDateTime(submittedAt.UtcDateTime);
        var own = record.Touches.FirstOrDefault(t => t.PartnerId == record.PartnerId && t.Role == record.Role);
        registration.Touches.Add(new PartnerTouch { PartnerId = record.PartnerId, Role = record.Role, TouchedOn = own?.On ?? submittedOn, Source = TouchSource.Registration, RecordedBy = actor.Id, RecordedAtMs = submittedMs });
        foreach (var touch in record.Touches.Where(t => !ReferenceEquals(t, own)))
        {
            registration.Touches.Add(new PartnerTouch { PartnerId = touch.PartnerId, Role = touch.Role, TouchedOn = touch.On, Source = TouchSource.Imported, RecordedBy = actor.Id, RecordedAtMs = submittedMs });
        }

        return registration;
    }

    private static (bool Changed, string? Problem) Merge(DealsDbContext db, DealRegistration existing, RegistrationRecord record, Actor actor, string source, int line, DateOnly today, long nowMs)
    {
        var changed = false;
        string? problem = null;
        if (record.Status is RegistrationStatus.Won or RegistrationStatus.Lost && existing.Status != record.Status)
        {
            if (DealLifecycle.CanMove(existing.Status, record.Status))
            {
                var from = existing.Status;
                existing.Status = record.Status;
                existing.ClosedOn = record.ClosedOn ?? Min(existing.ExpectedClose, today);
                existing.ClosedAmount = record.ClosedAmount ?? existing.Amount;
                db.Audit.Add(actor.Entry("outcome", existing.Number, from, existing.Status, DealRules.Outcome, $"Imported from {source}, line {line}.",
                    new { amount = existing.ClosedAmount, currency = existing.Currency, closedOn = existing.ClosedOn }, nowMs));
                changed = true;
            }
            else
            {
                try
                {
                    DealLifecycle.Check(existing.Number, existing.Status, record.Status);
                }
                catch (DealRuleException ex)
                {
                    problem = ex.Message;
                }
            }
        }

        var missing = MissingTouches(existing, record, actor, nowMs).ToList();
        if (missing.Count > 0)
        {
            existing.Touches.AddRange(missing);
            db.Audit.Add(actor.Entry("touch", existing.Number, null, null, DealRules.Import, $"Imported from {source}, line {line}.",
                new { touches = missing.Select(t => $"{t.PartnerId}:{DealCatalog.Code(t.Role)}:{DealText.Iso(t.TouchedOn)}") }, nowMs));
            changed = true;
        }

        return (changed, problem);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static IEnumerable<PartnerTouch> MissingTouches(DealRegistration existing, RegistrationRecord record, Actor actor, long nowMs) =>
        record.Touches
            .Where(t => !existing.Touches.Any(e => e.PartnerId == t.PartnerId && e.Role == t.Role && e.TouchedOn == t.On))
            .Select(t => new PartnerTouch { PartnerId = t.PartnerId, Role = t.Role, TouchedOn = t.On, Source = TouchSource.Imported, RecordedBy = actor.Id, RecordedAtMs = nowMs })
            .ToList();

    // The column sizes of the registration table (PostgreSQL enforces them; SQLite would not).
    private const int MaxNameLength = 200;
    private const int MaxIdLength = 64;

    private List<string> Validate(RegistrationRecord record, IReadOnlyDictionary<string, Organisation> organisations, DateOnly today)
    {
        var problems = new List<string>();
        if (!organisations.TryGetValue(record.PartnerId, out var partner) || partner.IsVendor)
        {
            problems.Add($"unknown partner \"{record.PartnerId}\".");
        }
        else if (!DealCatalog.RolesFor(partner.PartnerType).Contains(record.Role))
        {
            problems.Add($"{partner.Name} ({partner.PartnerType?.Describe()}) cannot hold the {DealCatalog.Describe(record.Role)} role.");
        }

        if (CustomerNames.Normalize(record.Customer).Length == 0)
        {
            problems.Add("the customer is empty.");
        }
        else if (record.Customer.Length > MaxNameLength)
        {
            problems.Add($"the customer name is longer than {MaxNameLength} characters.");
        }

        if (CustomerNames.DomainProblem(record.CustomerDomain) is { } domainProblem)
        {
            problems.Add(domainProblem);
        }

        if (string.IsNullOrWhiteSpace(record.Opportunity))
        {
            problems.Add("the opportunity is empty.");
        }
        else if (record.Opportunity.Length > MaxNameLength)
        {
            problems.Add($"the opportunity name is longer than {MaxNameLength} characters.");
        }

        if (record.SubmittedBy is { Length: > MaxIdLength })
        {
            problems.Add($"submitted_by is longer than {MaxIdLength} characters.");
        }

        if (record.Products == Products.None)
        {
            problems.Add("no known product.");
        }

        if (!Settings.IsKnownCurrency(record.Currency))
        {
            problems.Add($"unknown currency \"{record.Currency}\".");
        }
        else if (record.Amount <= 0 || Settings.ToReporting(record.Amount, record.Currency) > Settings.MaxAmount)
        {
            problems.Add($"the amount {Money.Format(record.Amount, record.Currency)} is not between zero and {Money.Format(Settings.MaxAmount, Settings.ReportingCurrency)}.");
        }

        if (record.Status is RegistrationStatus.Won or RegistrationStatus.Lost && record.ClosedOn > today)
        {
            problems.Add($"the close date {DealText.Iso(record.ClosedOn.Value)} is in the future.");
        }

        foreach (var touch in record.Touches)
        {
            if (!organisations.TryGetValue(touch.PartnerId, out var toucher) || toucher.IsVendor)
            {
                problems.Add($"unknown partner \"{touch.PartnerId}\" in touches.");
            }
            else if (!DealCatalog.RolesFor(toucher.PartnerType).Contains(touch.Role))
            {
                problems.Add($"{toucher.Name} cannot hold the {DealCatalog.Describe(touch.Role)} role (touches).");
            }
        }

        return problems;
    }

    private static (RegistrationRecord? Record, List<string> Problems) ParseRow(IReadOnlyDictionary<string, int> header, IReadOnlyList<string> fields)
    {
        var problems = new List<string>();
        // Our export neutralises formulas with a leading apostrophe; take it off whatever column it is in.
        string Field(string name) => header.TryGetValue(name, out var index) && index < fields.Count ? CsvCells.Restore(fields[index].Trim()) : "";

        long? number = null;
        if (Field("number") is { Length: > 0 } numberText)
        {
            number = RegistrationNumber.Parse(numberText);
            if (number is null or <= 0)
            {
                problems.Add($"\"{numberText}\" is not a registration number like DR-1042.");
            }
        }

        var (products, unknownProducts) = DealCatalog.ParseProducts(Field("products"));
        if (unknownProducts.Count > 0)
        {
            problems.Add($"unknown product{(unknownProducts.Count == 1 ? "" : "s")} {string.Join(", ", unknownProducts.Select(p => $"\"{p}\""))}.");
        }

        var amount = ParseDecimal(Field("amount"), "amount", problems) ?? 0;
        var closedAmount = ParseDecimal(Field("closed_amount"), "closed_amount", problems);
        var expected = ParseDate(Field("expected_close"), "expected_close", problems, required: true) ?? default;
        var closedOn = ParseDate(Field("closed_on"), "closed_on", problems, required: false);
        var role = DealCatalog.ParseRole(Field("role"));
        if (role is null)
        {
            problems.Add($"unknown role \"{Field("role")}\".");
        }

        var status = DealCsv.ParseStatus(Field("status"));
        if (status is null)
        {
            problems.Add($"unknown status \"{Field("status")}\".");
        }

        var submittedAt = ParseInstant(Field("submitted_at"), "submitted_at", problems);
        var touches = new List<RecordedTouch>();
        foreach (var entry in Field("touches").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':');
            if (parts.Length != 3 || DealCatalog.ParseRole(parts[1]) is not { } touchRole
                || !DateOnly.TryParseExact(parts[2], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
            {
                problems.Add($"touch \"{entry}\" is not partner:role:yyyy-MM-dd.");
                continue;
            }

            touches.Add(new RecordedTouch(parts[0].Trim(), touchRole, on));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        return (new RegistrationRecord
        {
            Number = number,
            PartnerId = Field("partner_id"),
            SubmittedBy = Field("submitted_by") is { Length: > 0 } by ? by : null,
            Customer = Field("customer"),
            CustomerDomain = Field("customer_domain") is { Length: > 0 } domain ? CustomerNames.DomainOf(domain) ?? domain : null,
            Opportunity = Field("opportunity"),
            Products = products,
            Amount = amount,
            Currency = Field("currency").ToUpperInvariant(),
            ExpectedClose = expected,
            Role = role!.Value,
            Status = status!.Value,
            SubmittedAt = submittedAt,
            ApprovedAt = ParseInstant(Field("approved_at"), "approved_at", problems),
            ProtectedUntil = ParseInstant(Field("protected_until"), "protected_until", problems),
            Extended = Field("extended").Equals("true", StringComparison.OrdinalIgnoreCase) || Field("extended") == "1",
            ClosedOn = closedOn,
            ClosedAmount = closedAmount,
            Touches = touches,
        }, problems);
    }

    private static decimal? ParseDecimal(string text, string column, List<string> problems)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{column} \"{text}\" is not a number (use a dot for decimals).");
        return null;
    }

    private static DateOnly? ParseDate(string text, string column, List<string> problems, bool required)
    {
        if (text.Length == 0)
        {
            if (required)
            {
                problems.Add($"{column} is empty.");
            }

            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        problems.Add($"{column} \"{text}\" is not a date like 2026-03-31.");
        return null;
    }

    private static DateTimeOffset? ParseInstant(string text, string column, List<string> problems)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant;
        }

        problems.Add($"{column} \"{text}\" is not a date and time like 2026-03-05T09:30:00Z.");
        return null;
    }

    private static string Hash(RegistrationRecord record)
    {
        var text = string.Join("|", record.PartnerId, CustomerNames.Normalize(record.Customer), record.Opportunity.Trim().ToLowerInvariant(), record.SubmittedAt?.ToUnixTimeMilliseconds() ?? 0);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32].ToLowerInvariant();
    }
}
