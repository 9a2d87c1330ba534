using Dinh.Platform.Auditing;

namespace Dinh.Server.Hosting;

internal static class AuditReport
{
    public static int Print(AuditVerification verification, bool showHeads)
    {
        if (showHeads)
        {
            foreach (var head in verification.Heads)
            {
                Console.Out.WriteLine($"chain {head.ChainId,4}  seq {head.LastSequence,10}  {Convert.ToHexStringLower(head.LastHash)}");
            }
        }
        if (verification.Intact)
        {
            Console.Out.WriteLine(
                $"Audit trail intact: {verification.RecordsChecked:N0} records in {verification.ChainsChecked} chains.");
            return DinhCommandLine.Ok;
        }
        foreach (var finding in verification.Findings)
        {
            Console.Out.WriteLine($"TAMPERED {finding.Kind}: {finding.Message}");
        }
        Console.Out.WriteLine(
            $"Audit trail NOT intact: {verification.Findings.Count} findings over {verification.RecordsChecked:N0} records.");
        return DinhCommandLine.Failed;
    }
}
