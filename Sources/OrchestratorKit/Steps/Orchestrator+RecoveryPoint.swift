import Foundation

/// The recovery point's completion: the diff's window end for restore-testing and `verify`
/// runs (only DescribeRecoveryPoint returns it).
extension Orchestrator {
    /// DescribeRecoveryPoint's `CompletionDate`, or nil (logged with the reason) when the
    /// vault is unknown, the call fails or AWS gave none: the window then ends at the
    /// restore job's start.
    func recoveryPointCompletion(vaultName: String?, recoveryPointArn: String?, logger log: Logger) async -> Date? {
        let fallback = "the diff's window ends at the restore job's start"
        guard let recoveryPointArn, !recoveryPointArn.isEmpty else {
            log.warn("recovery point completion not read: no recovery point ARN; " + fallback)
            return nil
        }
        guard let vaultName, !vaultName.isEmpty else {
            log.warn("recovery point completion not read: backup vault unknown; " + fallback, ["recoveryPointArn": recoveryPointArn])
            return nil
        }
        do {
            let point = try await services.backup.describeRecoveryPoint(vaultName: vaultName, recoveryPointArn: recoveryPointArn)
            if point.completionDate == nil {
                log.warn("recovery point has no CompletionDate; " + fallback, ["recoveryPointArn": recoveryPointArn, "status": point.status])
            }
            return point.completionDate
        } catch {
            log.warn("DescribeRecoveryPoint failed; " + fallback,
                     ["recoveryPointArn": recoveryPointArn, "backupVaultName": vaultName, "reason": "\(error)"])
            return nil
        }
    }
}
