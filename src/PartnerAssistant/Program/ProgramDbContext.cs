using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Program operations: onboarding checklists, courses, attestations, documents, certifications, partner
/// records (tier facts and time to value), tier evaluations and proposals, MDF budgets, requests, claims and
/// their ledger, PSAT surveys and answers, CAC cost inputs, customer revenue for CLTV, the won-deal ledger
/// the metrics sum, and the append-only audit log (guarded here and by database triggers).
/// </summary>
public class ProgramDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_program";
    public const string MdfCounter = "mdf_request";
    public const long FirstMdfNumber = 1;

    public DbSet<Onboarding> Onboardings => Set<Onboarding>();
    public DbSet<OnboardingStep> OnboardingSteps => Set<OnboardingStep>();
    public DbSet<CourseAssignment> Courses => Set<CourseAssignment>();
    public DbSet<Attestation> Attestations => Set<Attestation>();
    public DbSet<ProgramDocument> Documents => Set<ProgramDocument>();
    public DbSet<Certification> Certifications => Set<Certification>();
    public DbSet<PartnerRecord> Partners => Set<PartnerRecord>();
    public DbSet<TierEvaluation> TierEvaluations => Set<TierEvaluation>();
    public DbSet<TierProposal> TierProposals => Set<TierProposal>();
    public DbSet<MdfBudget> MdfBudgets => Set<MdfBudget>();
    public DbSet<MdfRequest> MdfRequests => Set<MdfRequest>();
    public DbSet<MdfClaim> MdfClaims => Set<MdfClaim>();
    public DbSet<MdfLedgerEntry> MdfLedger => Set<MdfLedgerEntry>();
    public DbSet<PsatSurvey> PsatSurveys => Set<PsatSurvey>();
    public DbSet<PsatResponse> PsatResponses => Set<PsatResponse>();
    public DbSet<CostInput> CostInputs => Set<CostInput>();
    public DbSet<CustomerRevenue> CustomerRevenue => Set<CustomerRevenue>();
    public DbSet<RevenueCustomer> RevenueCustomers => Set<RevenueCustomer>();
    public DbSet<CustomerLifetime> CustomerLifetimes => Set<CustomerLifetime>();
    public DbSet<WonDeal> WonDeals => Set<WonDeal>();
    public DbSet<DealCredit> DealCredits => Set<DealCredit>();
    public DbSet<ProgramAuditEntry> Audit => Set<ProgramAuditEntry>();
    public DbSet<ProgramCounter> Counters => Set<ProgramCounter>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Onboarding>(onboarding =>
        {
            onboarding.ToTable("program_onboardings");
            onboarding.Property(o => o.OrganisationId).HasMaxLength(64);
            onboarding.Property(o => o.InvitedBy).HasMaxLength(100);
            onboarding.Property(o => o.PartnerAdminId).HasMaxLength(64);
            onboarding.HasIndex(o => o.OrganisationId).IsUnique();
            onboarding.HasMany(o => o.Steps).WithOne().HasForeignKey(s => s.OnboardingId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<OnboardingStep>(step =>
        {
            step.ToTable("program_onboarding_steps");
            step.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            step.Property(s => s.Owner).HasConversion<string>().HasMaxLength(16);
            step.Property(s => s.CompletedBy).HasMaxLength(100);
            step.Property(s => s.Evidence).HasMaxLength(400);
            step.HasIndex(s => new { s.OnboardingId, s.Kind }).IsUnique();
            step.HasIndex(s => new { s.CompletedAtMs, s.DueOn });
        });
        model.Entity<CourseAssignment>(course =>
        {
            course.ToTable("program_course_assignments");
            course.Property(c => c.OrganisationId).HasMaxLength(64);
            course.Property(c => c.CourseCode).HasMaxLength(32);
            course.Property(c => c.Title).HasMaxLength(200);
            course.Property(c => c.CompletedBy).HasMaxLength(100);
            course.HasIndex(c => new { c.OrganisationId, c.CourseCode }).IsUnique();
        });
        model.Entity<Attestation>(attestation =>
        {
            attestation.ToTable("program_attestations");
            attestation.Property(a => a.OrganisationId).HasMaxLength(64);
            attestation.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
            attestation.Property(a => a.RecordedBy).HasMaxLength(100);
            attestation.HasIndex(a => new { a.OrganisationId, a.Kind, a.SignedAtMs });
        });
        model.Entity<ProgramDocument>(document =>
        {
            document.ToTable("program_documents");
            document.Property(d => d.OrganisationId).HasMaxLength(64);
            document.Property(d => d.Purpose).HasMaxLength(64);
            document.Property(d => d.FileName).HasMaxLength(260);
            document.Property(d => d.ContentType).HasMaxLength(100);
            document.Property(d => d.Sha256).HasMaxLength(64);
            document.Property(d => d.StoredPath).HasMaxLength(400);
            document.Property(d => d.UploadedBy).HasMaxLength(100);
            document.HasIndex(d => new { d.OrganisationId, d.Purpose });
        });
        model.Entity<Certification>(certification =>
        {
            certification.ToTable("program_certifications");
            certification.Property(c => c.OrganisationId).HasMaxLength(64);
            certification.Property(c => c.HolderName).HasMaxLength(200);
            certification.Property(c => c.HolderKey).HasMaxLength(200);
            certification.Property(c => c.Name).HasMaxLength(200);
            certification.Property(c => c.Level).HasConversion<string>().HasMaxLength(16);
            certification.Property(c => c.CertificateId).HasMaxLength(64);
            certification.Property(c => c.RecordedBy).HasMaxLength(100);
            certification.HasIndex(c => c.CertificateId).IsUnique();
            certification.HasIndex(c => new { c.OrganisationId, c.ExpiresOn });
        });
        model.Entity<PartnerRecord>(partner =>
        {
            partner.ToTable("program_partners");
            partner.HasKey(p => p.OrganisationId);
            partner.Property(p => p.OrganisationId).HasMaxLength(64);
            partner.Property(p => p.CustomerReference).HasMaxLength(400);
            partner.Property(p => p.CoInnovationProject).HasMaxLength(400);
            partner.Property(p => p.MarketplaceOffer).HasMaxLength(400);
        });
        model.Entity<TierEvaluation>(evaluation =>
        {
            evaluation.ToTable("program_tier_evaluations");
            evaluation.Property(e => e.OrganisationId).HasMaxLength(64);
            evaluation.Property(e => e.Trigger).HasMaxLength(100);
            evaluation.Property(e => e.CurrentTier).HasConversion<string>().HasMaxLength(16);
            evaluation.Property(e => e.EligibleTier).HasConversion<string>().HasMaxLength(16);
            evaluation.HasIndex(e => new { e.OrganisationId, e.EvaluatedAtMs });
        });
        model.Entity<TierProposal>(proposal =>
        {
            proposal.ToTable("program_tier_proposals");
            proposal.Property(p => p.OrganisationId).HasMaxLength(64);
            proposal.Property(p => p.FromTier).HasConversion<string>().HasMaxLength(16);
            proposal.Property(p => p.ToTier).HasConversion<string>().HasMaxLength(16);
            // Two managers deciding at once: the second save fails instead of overwriting the first decision.
            proposal.Property(p => p.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            proposal.Property(p => p.DecidedBy).HasMaxLength(100);
            proposal.Property(p => p.Reason).HasMaxLength(1000);
            proposal.HasIndex(p => new { p.OrganisationId, p.Status });
        });
        model.Entity<MdfBudget>(budget =>
        {
            budget.ToTable("program_mdf_budgets");
            budget.Property(b => b.OrganisationId).HasMaxLength(64);
            budget.Property(b => b.Source).HasMaxLength(16);
            budget.Property(b => b.UpdatedBy).HasMaxLength(100);
            budget.Ignore(b => b.AvailableCents);
            budget.HasIndex(b => new { b.OrganisationId, b.PeriodStart, b.PeriodEnd }).IsUnique();
            // The database refuses a negative balance even if a code path forgot the conditional update.
            budget.ToTable(t => t.HasCheckConstraint("ck_program_mdf_budgets_balance", "committed_cents >= 0 AND committed_cents <= amount_cents AND paid_cents <= committed_cents"));
        });
        model.Entity<MdfRequest>(request =>
        {
            request.ToTable("program_mdf_requests");
            request.HasIndex(r => r.Number).IsUnique();
            request.Property(r => r.OrganisationId).HasMaxLength(64);
            request.Property(r => r.RequestedBy).HasMaxLength(100);
            request.Property(r => r.ActivityType).HasMaxLength(32);
            request.Property(r => r.Title).HasMaxLength(200);
            request.Property(r => r.Plan).HasMaxLength(2000);
            request.Property(r => r.ExpectedOutcomes).HasMaxLength(1000);
            request.Property(r => r.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            request.Property(r => r.SubmissionKey).HasMaxLength(100);
            request.Property(r => r.DecidedBy).HasMaxLength(100);
            request.Property(r => r.DecisionReason).HasMaxLength(1000);
            request.Property(r => r.PaidBy).HasMaxLength(100);
            request.Property(r => r.PaymentReference).HasMaxLength(100);
            request.Ignore(r => r.DisplayNumber);
            request.HasIndex(r => new { r.OrganisationId, r.SubmissionKey }).IsUnique();
            request.HasIndex(r => new { r.OrganisationId, r.Status });
            request.HasIndex(r => r.Status);
            request.HasOne<MdfBudget>().WithMany().HasForeignKey(r => r.BudgetId).OnDelete(DeleteBehavior.Restrict);
            request.HasMany(r => r.Claims).WithOne().HasForeignKey(c => c.RequestId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<MdfClaim>(claim =>
        {
            claim.ToTable("program_mdf_claims");
            claim.Property(c => c.ClaimedBy).HasMaxLength(100);
            claim.Property(c => c.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
            claim.Property(c => c.DecidedBy).HasMaxLength(100);
            claim.Property(c => c.Reason).HasMaxLength(1000);
            claim.Property(c => c.DocumentIds).HasMaxLength(400);
        });
        model.Entity<MdfLedgerEntry>(entry =>
        {
            entry.ToTable("program_mdf_ledger");
            entry.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
            entry.Property(e => e.Actor).HasMaxLength(100);
            entry.Property(e => e.Note).HasMaxLength(400);
            entry.HasIndex(e => e.BudgetId);
            entry.HasIndex(e => new { e.Kind, e.AtMs });
        });
        model.Entity<PsatSurvey>(survey =>
        {
            survey.ToTable("program_psat_surveys");
            survey.Property(s => s.OrganisationId).HasMaxLength(64);
            survey.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            survey.Property(s => s.Period).HasMaxLength(16);
            survey.HasIndex(s => new { s.OrganisationId, s.Kind, s.Period }).IsUnique();
        });
        model.Entity<PsatResponse>(response =>
        {
            response.ToTable("program_psat_responses");
            response.Property(r => r.OrganisationId).HasMaxLength(64);
            response.Property(r => r.PersonId).HasMaxLength(64);
            response.Property(r => r.Comment).HasMaxLength(2000);
            response.HasIndex(r => new { r.SurveyId, r.PersonId }).IsUnique();
            response.HasIndex(r => new { r.OrganisationId, r.Quarter });
            response.HasIndex(r => r.Quarter);
            response.HasOne<PsatSurvey>().WithMany().HasForeignKey(r => r.SurveyId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<CostInput>(cost =>
        {
            cost.ToTable("program_cost_inputs");
            cost.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
            cost.Property(c => c.Category).HasMaxLength(32);
            cost.Property(c => c.Note).HasMaxLength(400);
            cost.Property(c => c.RecordedBy).HasMaxLength(100);
            cost.HasIndex(c => new { c.Channel, c.PeriodStart });
        });
        model.Entity<CustomerRevenue>(revenue =>
        {
            revenue.ToTable("program_customer_revenue");
            revenue.Property(r => r.CustomerKey).HasMaxLength(200);
            revenue.Property(r => r.CustomerName).HasMaxLength(200);
            revenue.HasIndex(r => new { r.CustomerKey, r.Month }).IsUnique();
            revenue.HasIndex(r => r.DealCustomerId);
        });
        model.Entity<RevenueCustomer>(customer =>
        {
            customer.ToTable("program_revenue_customers");
            customer.HasKey(c => c.CustomerKey);
            customer.Property(c => c.CustomerKey).HasMaxLength(200);
            customer.HasIndex(c => c.DealCustomerId);
        });
        model.Entity<CustomerLifetime>(lifetime =>
        {
            lifetime.ToTable("program_customer_lifetime");
            // The key's order makes "the customer's latest month at or before M" one index seek.
            lifetime.HasKey(l => new { l.CustomerKey, l.Month });
            lifetime.Property(l => l.CustomerKey).HasMaxLength(200);
            // The same seek answered from the index alone: without it each of the 20,000 lookups of a dashboard request also
            // reads the table's page for the figure, and that table grows with every month of history (five times at five years).
            lifetime.HasIndex(l => new { l.CustomerKey, l.Month, l.LifetimeCents });
        });
        model.Entity<WonDeal>(deal =>
        {
            deal.ToTable("program_won_deals");
            deal.HasKey(d => d.RegistrationId);
            deal.Property(d => d.RegistrationId).ValueGeneratedNever();
            deal.Property(d => d.SourcingPartnerId).HasMaxLength(64);
            deal.Property(d => d.Fingerprint).HasMaxLength(200);
            deal.HasIndex(d => d.ClosedDay);
            // "The customer's first won deal" (new customers for CAC, the acquiring partner for CLTV) is an index seek.
            deal.HasIndex(d => new { d.CustomerId, d.ClosedDay, d.RegistrationId });
        });
        model.Entity<DealCredit>(credit =>
        {
            credit.ToTable("program_deal_credits");
            credit.Property(c => c.PartnerId).HasMaxLength(64);
            credit.HasIndex(c => new { c.PartnerId, c.ClosedDay });
            credit.HasIndex(c => new { c.ClosedDay, c.PartnerId });
            credit.HasIndex(c => c.RegistrationId);
        });
        model.Entity<ProgramAuditEntry>(audit =>
        {
            audit.ToTable("program_audit");
            audit.Property(a => a.Actor).HasMaxLength(100);
            audit.Property(a => a.ActorRole).HasMaxLength(32);
            audit.Property(a => a.Action).HasMaxLength(32);
            audit.Property(a => a.OrganisationId).HasMaxLength(64);
            audit.Property(a => a.Subject).HasMaxLength(64);
            audit.Property(a => a.Reason).HasMaxLength(2000);
            audit.HasIndex(a => a.OrganisationId);
            audit.HasIndex(a => a.AtMs);
        });
        model.Entity<ProgramCounter>(counter =>
        {
            counter.ToTable("program_counters");
            counter.HasKey(c => c.Name);
            counter.Property(c => c.Name).HasMaxLength(32);
            counter.HasData(
                new ProgramCounter { Name = MdfCounter, NextValue = FirstMdfNumber },
                new ProgramCounter { Name = WonDealLedger.WatermarkCounter, NextValue = 0 },
                new ProgramCounter { Name = CustomerLifetimeBook.WatermarkCounter, NextValue = 0 });
        });

        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(DealsDbContext.SnakeCase(property.Name));
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAppendOnly();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardAppendOnly();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void GuardAppendOnly()
    {
        if (ChangeTracker.Entries<ProgramAuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted)
            || ChangeTracker.Entries<MdfLedgerEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The program audit log and the MDF ledger are append-only: entries cannot be changed or removed.");
        }
    }
}

public sealed class SqliteProgramDbContext(DbContextOptions<SqliteProgramDbContext> options) : ProgramDbContext(options);

public sealed class PostgresProgramDbContext(DbContextOptions<PostgresProgramDbContext> options) : ProgramDbContext(options);

internal sealed class SqliteProgramDesignFactory() : DesignTimeFactory<SqliteProgramDbContext>(DatabaseProvider.Sqlite, ProgramDbContext.HistoryTable);

internal sealed class PostgresProgramDesignFactory() : DesignTimeFactory<PostgresProgramDbContext>(DatabaseProvider.Postgres, ProgramDbContext.HistoryTable);
