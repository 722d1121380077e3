import { Box, Text } from 'ink';
import type { LedgerEntry, StoreBalance, Withdrawal } from '../services/payouts-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak payouts`: the balance as two lines, tables of ledger entries and of withdrawals, one
// withdrawal as labelled lines, one line for a request.

const money = (value: { amount: number; currency: string }) => `${value.currency} ${value.amount}`;

function balanceLines(balance: StoreBalance): string[] {
  return [`Available: ${money(balance.available)}`, `Pending:   ${money(balance.pending)} (requested or approved withdrawals)`];
}

/** `tokobapak payouts balance`. */
export function balancePresentation(balance: StoreBalance): Presentation {
  return {
    json: () => ({ balance }),
    plain: () => balanceLines(balance),
    tty: () => (
      <Box flexDirection="column">
        {balanceLines(balance).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    ),
  };
}

const withdrawalColumns: Array<Column<Withdrawal>> = [
  { title: 'ID', value: (withdrawal) => withdrawal.id },
  {
    title: 'STATUS',
    value: (withdrawal) => withdrawal.status,
    color: (withdrawal) => (withdrawal.status === 'rejected' ? 'red' : withdrawal.status === 'paid' ? 'green' : 'yellow'),
  },
  { title: 'AMOUNT', value: (withdrawal) => money(withdrawal.amount), alignRight: true },
  { title: 'BANK', value: (withdrawal) => `${withdrawal.bankAccount.bankCode} ${withdrawal.bankAccount.accountNumber}` },
  { title: 'REQUESTED', value: (withdrawal) => withdrawal.requestedAt },
];

/** `tokobapak payouts list`. */
export function withdrawalListPresentation(withdrawals: Withdrawal[]): Presentation {
  return {
    json: () => ({ withdrawals }),
    plain: () => (withdrawals.length === 0 ? ['No withdrawals.'] : textTable(withdrawalColumns, withdrawals)),
    tty: () => (withdrawals.length === 0 ? <Text dimColor>No withdrawals.</Text> : <Table columns={withdrawalColumns} rows={withdrawals} />),
  };
}

/** `tokobapak payouts request`. */
export function withdrawalRequestedPresentation(withdrawal: Withdrawal): Presentation {
  const line = `Withdrawal ${withdrawal.id} of ${money(withdrawal.amount)} is ${withdrawal.status}`;
  return {
    json: () => ({ withdrawal }),
    plain: () => [line],
    tty: () => <Text color="green">{line}</Text>,
  };
}

const ledgerColumns: Array<Column<LedgerEntry>> = [
  { title: 'WHEN', value: (entry) => entry.createdAt },
  { title: 'KIND', value: (entry) => entry.kind },
  { title: 'ACCOUNT', value: (entry) => entry.account },
  // Signed from the store's side, so a debit reads as one.
  {
    title: 'AMOUNT',
    value: (entry) => money(entry.amount),
    alignRight: true,
    color: (entry) => (entry.amount.amount < 0 ? 'red' : 'green'),
  },
  { title: 'BALANCE', value: (entry) => money(entry.balanceAfter), alignRight: true },
  { title: 'FOR', value: (entry) => entry.withdrawalId ?? entry.refundId ?? entry.orderId ?? '' },
  { title: 'MEMO', value: (entry) => entry.memo },
];

/** `tokobapak payouts ledger`. */
export function ledgerPresentation(entries: LedgerEntry[]): Presentation {
  return {
    json: () => ({ entries }),
    plain: () => (entries.length === 0 ? ['No ledger entries.'] : textTable(ledgerColumns, entries)),
    tty: () => (entries.length === 0 ? <Text dimColor>No ledger entries.</Text> : <Table columns={ledgerColumns} rows={entries} />),
  };
}

function withdrawalLines(withdrawal: Withdrawal): string[] {
  const { bankAccount } = withdrawal;
  return [
    `Withdrawal ${withdrawal.id} (${withdrawal.status}), ${money(withdrawal.amount)}`,
    `To:        ${bankAccount.bankCode} ${bankAccount.accountNumber} (${bankAccount.accountHolderName})`,
    ...(withdrawal.note ? [`Note:      ${withdrawal.note}`] : []),
    `Requested: ${withdrawal.requestedAt}`,
    ...(withdrawal.approvedAt ? [`Approved:  ${withdrawal.approvedAt}`] : []),
    ...(withdrawal.paidAt ? [`Paid:      ${withdrawal.paidAt}${withdrawal.payoutReference ? `, reference ${withdrawal.payoutReference}` : ''}`] : []),
    ...(withdrawal.rejectedAt ? [`Rejected:  ${withdrawal.rejectedAt}${withdrawal.rejectionReason ? `: ${withdrawal.rejectionReason}` : ''}`] : []),
  ];
}

/** `tokobapak payouts show`. */
export function withdrawalPresentation(withdrawal: Withdrawal): Presentation {
  return {
    json: () => ({ withdrawal }),
    plain: () => withdrawalLines(withdrawal),
    tty: () => (
      <Box flexDirection="column">
        {withdrawalLines(withdrawal).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    ),
  };
}
