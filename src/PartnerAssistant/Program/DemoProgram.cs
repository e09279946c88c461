using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Demo program data beside the demo directory and deal book, dated relative to the day it is seeded: tier facts,
/// attestations (Harbor's data-protection terms have expired), certifications (Bluewave is two certified people and one
/// professional short of Gold), PSAT answers over the last quarters, this fiscal year's MDF budgets with a request in each
/// state, CAC cost inputs, recognised revenue of the won customers, and one partner mid-onboarding — Lakeshore Analytics,
/// invited 20 days ago, whose compliance step is overdue (its admin is the demo person <c>demo-new-admin</c>).
/// </summary>
public static class DemoProgram
{
    public const string OnboardingPartner = "lakeshore";

    // partner, certified people as (name, level), agreement, customer reference, marketplace offer
    private static readonly (string Partner, (string Name, CertificationLevel Level)[] Certified, string? Reference, string? Offer)[] Partners =
    [
        ("bluewave", [("Priya Patel", CertificationLevel.Professional), ("Tom Becker", CertificationLevel.Associate), ("Ana Ruiz", CertificationLevel.Associate)], null, null),
        ("keystone", [("Lukas Meyer", CertificationLevel.Professional), ("Jonas Weber", CertificationLevel.Professional), ("Mia Schulz", CertificationLevel.Associate),
            ("Lea Wagner", CertificationLevel.Associate), ("Paul Becker", CertificationLevel.Associate), ("Emma Koch", CertificationLevel.Associate)],
            "Northwind Traders: ERP data integration case study", null),
        ("harbor", [("Owen Tremblay", CertificationLevel.Associate)], null, null),
        ("vectorline", [("Wei Lim", CertificationLevel.Professional), ("Siti Rahman", CertificationLevel.Associate)], null, null),
        ("meridian", [("Oliver Hughes", CertificationLevel.Associate)], null, null),
        ("skyway", [("Grace Kim", CertificationLevel.Professional), ("Noah Davis", CertificationLevel.Professional), ("Ava Wilson", CertificationLevel.Associate),
            ("Liam Brown", CertificationLevel.Associate), ("Zoe Clark", CertificationLevel.Associate)],
            "Tailspin Toys: AI Studio private offer reference call", "Northbeam AI Studio on a cloud marketplace (private offers)"),
    ];

    // (partner, quarters ago, overall, ease, enablement, support, recommend, comment)
    private static readonly (string Partner, int QuartersAgo, int[] Scores, string? Comment)[] Answers =
    [
        ("bluewave", 2, [8, 7, 8, 7, 8], null), ("bluewave", 1, [8, 6, 8, 7, 8], "Registration reviews could be faster."), ("bluewave", 0, [9, 7, 8, 8, 9], null),
        ("keystone", 2, [7, 6, 7, 6, 7], null), ("keystone", 1, [8, 7, 9, 7, 8], null), ("keystone", 0, [8, 8, 9, 8, 9], "The new Edge Runtime courses helped our engineers."),
        ("vectorline", 1, [6, 5, 7, 5, 6], "Marketplace publishing support is slow."), ("vectorline", 0, [7, 6, 7, 6, 7], null),
        ("meridian", 2, [9, 8, 8, 9, 10], null), ("meridian", 0, [9, 9, 8, 9, 10], null),
        ("skyway", 2, [7, 7, 6, 7, 8], null), ("skyway", 1, [5, 4, 6, 5, 5], "Private offer approvals took weeks."), ("skyway", 0, [7, 6, 7, 7, 7], null),
        ("harbor", 2, [6, 6, 6, 5, 6], null),
    ];

    private static readonly Dictionary<string, int> InvitedDaysBeforeFirstWin = new(StringComparer.Ordinal)
    {
        ["bluewave"] = 62, ["keystone"] = 48, ["harbor"] = 124, ["vectorline"] = 85, ["meridian"] = 71, ["skyway"] = 103,
    };

    private static async Task<Dictionary<string, DateOnly>> FirstWinsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var won = await (from r in deals.Registrations.AsNoTracking()
                         join t in deals.Touches.AsNoTracking() on r.Id equals t.RegistrationId
                         where r.Status == RegistrationStatus.Won && r.ClosedOn != null
                         select new { t.PartnerId, ClosedOn = r.ClosedOn!.Value }).ToListAsync(cancellationToken);
        return won.GroupBy(w => w.PartnerId).ToDictionary(g => g.Key, g => g.Min(w => w.ClosedOn), StringComparer.Ordinal);
    }

    internal static async Task SeedAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var directory = services.GetRequiredService<DirectoryService>();
        var mdfOptions = services.GetRequiredService<IOptions<MdfOptions>>().Value;
        var validity = services.GetRequiredService<IOptions<OnboardingOptions>>().Value.AttestationValidityMonths;
        var organisations = (await directory.ListOrganisationsAsync(cancellationToken)).ToDictionary(o => o.Id);
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();

        var firstWins = await FirstWinsAsync(services, cancellationToken);
        foreach (var (partner, certified, reference, offer) in Partners)
        {
            // The demo deal book covers recent months only: each partner is dated as invited some weeks before its
            // first won deal, so time to value shows a believable spread (some within the 90-day target, some not).
            var joined = firstWins.TryGetValue(partner, out var firstWin)
                ? new DateTimeOffset(firstWin.AddDays(-InvitedDaysBeforeFirstWin[partner]).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : organisations[partner].JoinedAt;
            db.Partners.Add(new PartnerRecord
            {
                OrganisationId = partner,
                InvitedAtMs = joined.ToUnixTimeMilliseconds(),
                AgreementSignedAtMs = joined.AddDays(4).ToUnixTimeMilliseconds(),
                CustomerReference = reference,
                CustomerReferenceOn = reference is null ? null : today.AddDays(-120),
                MarketplaceOffer = offer,
                UpdatedAtMs = nowMs,
            });
            foreach (var kind in Enum.GetValues<AttestationKind>())
            {
                // Harbor's data-protection terms lapsed last month: its compliance is not current.
                var signed = partner == "harbor" && kind == AttestationKind.DataProtection ? today.AddMonths(-validity).AddDays(-30) : today.AddDays(-200);
                db.Attestations.Add(new Attestation
                {
                    OrganisationId = partner, Kind = kind, SignedAtMs = ProgramText.ToUnixMs(signed), ValidUntilMs = ProgramText.ToUnixMs(signed.AddMonths(validity)), RecordedBy = "demo-data",
                });
            }

            for (var i = 0; i < certified.Length; i++)
            {
                var (name, level) = certified[i];
                db.Certifications.Add(new Certification
                {
                    OrganisationId = partner,
                    HolderName = name,
                    HolderKey = $"{name.ToLowerInvariant().Replace(' ', '.')}@{partner}.example",
                    Name = level == CertificationLevel.Professional ? "Data Fabric Professional" : "Data Fabric Associate",
                    Level = level,
                    CertificateId = $"NB-{partner.ToUpperInvariant()[..3]}-{1000 + i}",
                    EarnedOn = today.AddDays(-300 + (i * 20)),
                    ExpiresOn = today.AddDays(-300 + (i * 20)).AddYears(2),
                    RecordedBy = "demo-data",
                    RecordedAtMs = nowMs,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        var thisQuarter = ProgramText.QuarterOf(today);
        foreach (var (partner, ago, scores, comment) in Answers)
        {
            var quarter = thisQuarter;
            for (var i = 0; i < ago; i++)
            {
                quarter = ProgramText.PreviousQuarter(quarter);
            }

            var (start, end) = ProgramText.QuarterRange(quarter);
            var sent = ago == 0 ? start.AddDays(Math.Min(3, today.DayNumber - start.DayNumber)) : start.AddDays(3);
            var survey = new PsatSurvey
            {
                OrganisationId = partner, Kind = SurveyKind.Quarterly, Period = ProgramText.QuarterName(ProgramText.PreviousQuarter(quarter)),
                SentAtMs = ProgramText.ToUnixMs(sent), ClosesAtMs = ProgramText.ToUnixMs(end.AddDays(1)),
            };
            db.PsatSurveys.Add(survey);
            await db.SaveChangesAsync(cancellationToken);
            var answered = ago == 0 ? (today > sent ? sent.AddDays(Math.Min(5, today.DayNumber - sent.DayNumber)) : sent) : sent.AddDays(5);
            var answerer = (await directory.ListPeopleAsync(partner, null, cancellationToken)).FirstOrDefault()?.Id ?? partner + "-contact";
            db.PsatResponses.Add(new PsatResponse
            {
                SurveyId = survey.Id, OrganisationId = partner, PersonId = answerer, RespondedAtMs = ProgramText.ToUnixMs(answered), Quarter = ProgramText.QuarterOf(answered),
                Overall = scores[0], EaseOfBusiness = scores[1], Enablement = scores[2], Support = scores[3], Recommend = scores[4], Comment = comment,
                ScoreX100 = (int)Math.Round(scores.Average() * 100),
            });
        }

        // This fiscal year's budgets (set as a channel manager would from last year's accrual), and a request in each state.
        var (fyStart, fyEnd) = mdfOptions.FiscalYearOf(today);
        (string Partner, long Cents)[] budgets = [("bluewave", 1_800_000), ("keystone", 4_000_000), ("vectorline", 1_200_000), ("skyway", 3_000_000)];
        foreach (var (partner, cents) in budgets)
        {
            var budget = new MdfBudget { OrganisationId = partner, PeriodStart = fyStart, PeriodEnd = fyEnd, AmountCents = cents, Source = "accrual", UpdatedBy = "demo-data", UpdatedAtMs = nowMs };
            db.MdfBudgets.Add(budget);
            await db.SaveChangesAsync(cancellationToken);
            db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = budget.Id, Kind = LedgerKind.Budget, AmountCents = cents, AtMs = nowMs, Actor = "demo-data", Note = "accrual" });
        }

        await db.SaveChangesAsync(cancellationToken);
        await SeedRequestsAsync(db, today, nowMs, fyEnd, cancellationToken);

        // CAC inputs per quarter of the last year, and recognised monthly revenue of the customers the deal book won.
        for (var q = 0; q < 4; q++)
        {
            var quarter = thisQuarter;
            for (var i = 0; i < q; i++)
            {
                quarter = ProgramText.PreviousQuarter(quarter);
            }

            var (start, end) = ProgramText.QuarterRange(quarter);
            db.CostInputs.Add(new CostInput { Channel = AcquisitionChannel.Partner, PeriodStart = start, PeriodEnd = end, Category = "sales", AmountCents = 9_000_000, Note = "partner sales team", RecordedBy = "demo-data", RecordedAtMs = nowMs });
            db.CostInputs.Add(new CostInput { Channel = AcquisitionChannel.Direct, PeriodStart = start, PeriodEnd = end, Category = "sales", AmountCents = 42_000_000, NewCustomers = 6 + q, Note = "direct field sales", RecordedBy = "demo-data", RecordedAtMs = nowMs });
            db.CostInputs.Add(new CostInput { Channel = AcquisitionChannel.Direct, PeriodStart = start, PeriodEnd = end, Category = "marketing", AmountCents = 15_000_000, Note = "paid digital campaigns", RecordedBy = "demo-data", RecordedAtMs = nowMs });
        }

        var deals = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        await using (deals)
        {
            var dealsDb = deals.ServiceProvider.GetRequiredService<DealsDbContext>();
            var won = await dealsDb.Registrations.AsNoTracking().Where(r => r.Status == RegistrationStatus.Won)
                .Select(r => new { r.CustomerId, r.ClosedOn, Amount = r.ClosedAmount ?? r.Amount, r.Currency }).ToListAsync(cancellationToken);
            var customers = await dealsDb.Customers.AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken);
            var rates = services.GetRequiredService<IOptions<DealOptions>>().Value;
            foreach (var customer in won.GroupBy(w => w.CustomerId))
            {
                var first = customer.Min(c => c.ClosedOn!.Value);
                var yearly = customer.Sum(c => rates.ToReporting(c.Amount, c.Currency));
                // Subscription revenue after the first win: a twelfth of the won amounts a month, growing 2 % a month.
                var month = new DateOnly(first.Year, first.Month, 1);
                for (var i = 0; month <= today; i++, month = month.AddMonths(1))
                {
                    db.CustomerRevenue.Add(new CustomerRevenue
                    {
                        DealCustomerId = customer.Key, CustomerKey = customers[customer.Key].NormalizedName, CustomerName = customers[customer.Key].Name,
                        Month = (month.Year * 100) + month.Month, AmountCents = ProgramText.Cents(yearly / 12m * (decimal)Math.Pow(1.02, i)),
                    });
                }
            }
        }

        foreach (var (name, monthly) in new[] { ("Datum Direct Retail", 9_000m), ("Graphic Design Institute", 6_500m), ("Trey Logistics", 12_000m) })
        {
            for (var i = 11; i >= 0; i--)
            {
                var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-i);
                db.CustomerRevenue.Add(new CustomerRevenue { CustomerKey = CustomerNames.Normalize(name), CustomerName = name, Month = (month.Year * 100) + month.Month, AmountCents = ProgramText.Cents(monthly) });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await SeedOnboardingAsync(db, directory, now, cancellationToken);
    }

    private static async Task SeedRequestsAsync(ProgramDbContext db, DateOnly today, long nowMs, DateOnly fyEnd, CancellationToken cancellationToken)
    {
        var budgets = await db.MdfBudgets.ToDictionaryAsync(b => b.OrganisationId, cancellationToken);
        var number = 1L;
        MdfRequest Request(string partner, string by, string type, string title, DateOnly activity, long requested, MdfStatus status) => new()
        {
            Number = number++, OrganisationId = partner, BudgetId = budgets[partner].Id, RequestedBy = by, ActivityType = type, Title = title, ActivityDate = activity,
            Plan = $"{title} for mid-market customers, featuring Northbeam Data Fabric and AI Studio.", ExpectedOutcomes = "30 qualified attendees, 6 opportunities, $400,000 registered pipeline",
            EligibleCostCents = requested * 2, RequestedCents = requested, SharePercent = 50, Status = status, SubmissionKey = "demo-" + number,
            SubmittedAtMs = nowMs - (40L * 86_400_000), DecisionDueAtMs = nowMs - (33L * 86_400_000),
        };

        // Approved, the webinar took place ten days ago: ready to claim.
        var claimable = Request("bluewave", "tom-becker", "webinar", "Data Fabric for retailers webinar", today.AddDays(-10), 600_000, MdfStatus.Approved);
        claimable.ApprovedCents = 600_000;
        claimable.DecidedBy = "maya-chen";
        claimable.DecidedAtMs = nowMs - (38L * 86_400_000);
        // Waiting for the channel manager.
        var waiting = Request("keystone", "lukas-meyer", "event", "Edge AI breakfast seminar", (today.AddDays(45) > fyEnd ? fyEnd : today.AddDays(45)), 900_000, MdfStatus.Requested);
        waiting.SubmittedAtMs = nowMs - (2L * 86_400_000);
        waiting.DecisionDueAtMs = nowMs + (5L * 86_400_000);
        db.MdfRequests.AddRange(claimable, waiting);
        await db.SaveChangesAsync(cancellationToken);
        await db.MdfBudgets.Where(b => b.Id == claimable.BudgetId).ExecuteUpdateAsync(s => s.SetProperty(b => b.CommittedCents, b => b.CommittedCents + 600_000), cancellationToken);
        db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = claimable.BudgetId, RequestNumber = claimable.Number, Kind = LedgerKind.Reserve, AmountCents = 600_000, AtMs = claimable.DecidedAtMs!.Value, Actor = "maya-chen" });
        await db.Counters.Where(c => c.Name == ProgramDbContext.MdfCounter).ExecuteUpdateAsync(s => s.SetProperty(c => c.NextValue, number), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task SeedOnboardingAsync(ProgramDbContext db, DirectoryService directory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var invited = now.AddDays(-20);
        var invitedOn = DateOnly.FromDateTime(invited.UtcDateTime);
        await directory.SaveOrganisationAsync(new Organisation
        {
            Id = OnboardingPartner, Name = "Lakeshore Analytics", PartnerType = PartnerType.SystemsIntegrator, Tier = Tier.Registered, Region = "NA", Country = "United States", JoinedAt = invited,
        }, cancellationToken);
        await directory.SavePersonAsync(new Person
        {
            Id = "ines-duarte", ChannelUserId = "demo-new-admin", DisplayName = "Ines Duarte", Email = "ines.duarte@lakeshore.example", OrganisationId = OnboardingPartner, Role = Role.PartnerAdmin,
        }, cancellationToken);
        var onboarding = new Onboarding { OrganisationId = OnboardingPartner, InvitedBy = "maya-chen", InvitedAtMs = invited.ToUnixTimeMilliseconds(), PartnerAdminId = "ines-duarte" };
        (OnboardingStepKind Kind, StepOwner Owner, int Due)[] steps =
        [
            (OnboardingStepKind.Agreement, StepOwner.PartnerAdmin, 7), (OnboardingStepKind.Compliance, StepOwner.PartnerAdmin, 14),
            (OnboardingStepKind.Courses, StepOwner.PartnerUsers, 30), (OnboardingStepKind.Certification, StepOwner.PartnerUsers, 45), (OnboardingStepKind.FirstDeal, StepOwner.Partner, 60),
        ];
        foreach (var (kind, owner, due) in steps)
        {
            onboarding.Steps.Add(new OnboardingStep { Kind = kind, Owner = owner, DueOn = invitedOn.AddDays(due) });
        }

        var agreement = onboarding.Steps[0];
        agreement.CompletedAtMs = invited.AddDays(3).ToUnixTimeMilliseconds();
        agreement.CompletedBy = "ines-duarte";
        agreement.Evidence = "confirmed in chat";
        db.Onboardings.Add(onboarding);
        db.Partners.Add(new PartnerRecord
        {
            OrganisationId = OnboardingPartner, InvitedAtMs = invited.ToUnixTimeMilliseconds(), AgreementSignedAtMs = agreement.CompletedAtMs, UpdatedAtMs = now.ToUnixTimeMilliseconds(),
        });
        foreach (var kind in new[] { AttestationKind.Esg, AttestationKind.Fcpa })
        {
            var signed = invited.AddDays(6);
            db.Attestations.Add(new Attestation
            {
                OrganisationId = OnboardingPartner, Kind = kind, SignedAtMs = signed.ToUnixTimeMilliseconds(), ValidUntilMs = signed.AddYears(1).ToUnixTimeMilliseconds(), RecordedBy = "ines-duarte",
            });
        }

        db.Audit.Add(ProgramAudit.Entry(ProgramActors.Administrator("demo-data", "Demo data"), "invite", OnboardingPartner, "onboarding", "Demo partner mid-onboarding.", null, invited.ToUnixTimeMilliseconds()));
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Seeds <see cref="DemoProgram"/> on first run when <see cref="ProgramOptions.SeedDemo"/> is on, the program tables are
/// empty and the demo partners are in the directory; then builds the won-deal ledger and time to value.</summary>
internal sealed class ProgramPreparation(
    IServiceProvider services, IServiceScopeFactory scopes, DirectoryService directory, OnboardingService onboarding, WonDealLedger ledger,
    IOptions<ProgramOptions> options, TimeProvider time, ILogger<ProgramPreparation> logger) : IAssistantPreparation
{
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SeedDemo)
        {
            bool empty;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
                empty = !await db.Partners.AnyAsync(cancellationToken) && !await db.Onboardings.AnyAsync(cancellationToken);
            }

            var organisations = (await directory.ListOrganisationsAsync(cancellationToken)).Select(o => o.Id).ToHashSet();
            if (empty && new[] { "bluewave", "keystone", "harbor", "vectorline", "meridian", "skyway" }.All(organisations.Contains) && !organisations.Contains(DemoProgram.OnboardingPartner))
            {
                await DemoProgram.SeedAsync(services, time, cancellationToken);
                logger.LogInformation("Seeded the demo program data");
            }
        }

        await ledger.RefreshAsync(cancellationToken);
        await onboarding.RecordTimeToValueAsync(null, cancellationToken);
    }
}
