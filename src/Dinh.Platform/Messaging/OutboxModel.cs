using Microsoft.EntityFrameworkCore;

namespace Dinh.Platform.Messaging;

public static class OutboxModel
{
    public const string Table = "outbox_messages";

    /// <summary>
    /// Maps the outbox into a module's context so that a message is saved in the same transaction as the change
    /// that caused it (<see cref="Persistence.DinhDbContext.Send"/>). Only the Platform context owns the table in migrations.
    /// </summary>
    public static ModelBuilder MapOutbox(this ModelBuilder model, bool ownsTables = false)
    {
        model.Entity<OutboxMessage>(message =>
        {
            message.ToTable(Table, t => { if (!ownsTables) { t.ExcludeFromMigrations(); } });
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).ValueGeneratedNever();
            message.Property(m => m.Recipient).HasMaxLength(OutboxMessage.RecipientMaxLength);
            message.Property(m => m.Subject).HasMaxLength(OutboxMessage.SubjectMaxLength);
            message.Property(m => m.Kind).HasMaxLength(OutboxMessage.KindMaxLength);
            message.Property(m => m.LastError).HasMaxLength(OutboxMessage.ErrorMaxLength);
            message.Property(m => m.Sender).HasMaxLength(OutboxMessage.SenderMaxLength);
            // What dispatchers claim: settled messages have no next attempt, so the index holds little besides the queue.
            message.HasIndex(m => m.NextAttemptAt);
            // What the retention pass erases: only rows that still have a body, so erased ones drop out of the index.
            message.HasIndex(m => m.CreatedAt).HasDatabaseName("ix_outbox_messages_created_at_with_body").HasFilter("body <> ''");
        });
        return model;
    }
}
