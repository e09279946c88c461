using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerAssistant.Deals;

/// <summary>
/// Writes a new registration (with its new customer, touches and audit entries) as plain INSERT
/// statements on the context's own connection and transaction. Registration is the hot write path,
/// and here EF's SaveChanges cost several times the statements themselves (3–5 ms against 0.4–0.5 ms
/// of CPU for the same rows, measured on the benchmark machine; see docs/benchmarks.md). The schema
/// still comes from the EF model and its migrations; the registry tests read every written column
/// back through EF on SQLite and PostgreSQL. Parameters are named <c>@x</c>, which both providers take.
/// </summary>
internal static class RegistrationWriter
{
    public static async Task InsertAsync(DealsDbContext db, DealRegistration registration, Customer? newCustomer, IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A registration is written inside its transaction.");

        if (newCustomer is not null)
        {
            newCustomer.Id = await ScalarAsync(connection, transaction, """
                INSERT INTO deal_customers (name, normalized_name, blocking_key, domain, created_at_ms)
                VALUES (@name, @normalized_name, @blocking_key, @domain, @created_at_ms) RETURNING id
                """, cancellationToken,
                ("name", newCustomer.Name), ("normalized_name", newCustomer.NormalizedName), ("blocking_key", newCustomer.BlockingKey),
                ("domain", newCustomer.Domain), ("created_at_ms", newCustomer.CreatedAtMs));
            registration.CustomerId = newCustomer.Id;
        }

        registration.Id = await ScalarAsync(connection, transaction, """
            INSERT INTO deal_registrations (number, organisation_id, submitted_by, customer_id, customer_name, possible_match_customer_id,
                opportunity, products, amount, currency, expected_close, role, status, submission_key, submitted_at_ms, review_due_at_ms,
                decided_at_ms, approved_at_ms, protected_until_ms, protection_days, extended, conflict_rule, conflict_reason, conflicts_with,
                last_reminder_days, overdue_notified, closed_on, closed_amount)
            VALUES (@number, @organisation_id, @submitted_by, @customer_id, @customer_name, @possible_match_customer_id,
                @opportunity, @products, @amount, @currency, @expected_close, @role, @status, @submission_key, @submitted_at_ms, @review_due_at_ms,
                @decided_at_ms, @approved_at_ms, @protected_until_ms, @protection_days, @extended, @conflict_rule, @conflict_reason, @conflicts_with,
                @last_reminder_days, @overdue_notified, @closed_on, @closed_amount) RETURNING id
            """, cancellationToken,
            ("number", registration.Number), ("organisation_id", registration.OrganisationId), ("submitted_by", registration.SubmittedBy),
            ("customer_id", registration.CustomerId), ("customer_name", registration.CustomerName), ("possible_match_customer_id", registration.PossibleMatchCustomerId),
            ("opportunity", registration.Opportunity), ("products", (int)registration.Products), ("amount", registration.Amount), ("currency", registration.Currency),
            ("expected_close", registration.ExpectedClose), ("role", registration.Role.ToString()), ("status", registration.Status.ToString()),
            ("submission_key", registration.SubmissionKey), ("submitted_at_ms", registration.SubmittedAtMs), ("review_due_at_ms", registration.ReviewDueAtMs),
            ("decided_at_ms", registration.DecidedAtMs), ("approved_at_ms", registration.ApprovedAtMs), ("protected_until_ms", registration.ProtectedUntilMs),
            ("protection_days", registration.ProtectionDays), ("extended", registration.Extended), ("conflict_rule", registration.ConflictRule),
            ("conflict_reason", registration.ConflictReason), ("conflicts_with", registration.ConflictsWith), ("last_reminder_days", registration.LastReminderDays),
            ("overdue_notified", registration.OverdueNotified), ("closed_on", registration.ClosedOn), ("closed_amount", registration.ClosedAmount));

        foreach (var touch in registration.Touches)
        {
            touch.RegistrationId = registration.Id;
            touch.Id = await ScalarAsync(connection, transaction, """
                INSERT INTO deal_touches (registration_id, partner_id, role, touched_on, source, recorded_by, recorded_at_ms)
                VALUES (@registration_id, @partner_id, @role, @touched_on, @source, @recorded_by, @recorded_at_ms) RETURNING id
                """, cancellationToken,
                ("registration_id", touch.RegistrationId), ("partner_id", touch.PartnerId), ("role", touch.Role.ToString()), ("touched_on", touch.TouchedOn),
                ("source", touch.Source.ToString()), ("recorded_by", touch.RecordedBy), ("recorded_at_ms", touch.RecordedAtMs));
        }

        foreach (var entry in audit)
        {
            entry.Id = await ScalarAsync(connection, transaction, """
                INSERT INTO deal_audit (at_ms, actor, actor_role, action, registration_number, from_status, to_status, rule, reason, details)
                VALUES (@at_ms, @actor, @actor_role, @action, @registration_number, @from_status, @to_status, @rule, @reason, @details) RETURNING id
                """, cancellationToken,
                ("at_ms", entry.AtMs), ("actor", entry.Actor), ("actor_role", entry.ActorRole), ("action", entry.Action),
                ("registration_number", entry.RegistrationNumber), ("from_status", entry.FromStatus?.ToString()), ("to_status", entry.ToStatus?.ToString()),
                ("rule", entry.Rule), ("reason", entry.Reason), ("details", entry.Details));
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
