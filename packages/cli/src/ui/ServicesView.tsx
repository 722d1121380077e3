import { Box, Text } from 'ink';
import type { ServiceInfo } from '../services/service-catalogue.js';
import { serviceColumns } from './columns.js';
import { Table } from './Table.js';

/** Props of {@link ServicesView}. */
export interface ServicesViewProps {
  services: ServiceInfo[];
  /** What chose the "loaded" column: the config file's path or `TOKOBAPAK_SERVICES`; undefined means the defaults. */
  loadedBy: string | undefined;
}

/** `tokobapak services` on a terminal. */
export function ServicesView({ services, loadedBy }: ServicesViewProps) {
  const loaded = services.filter((s) => s.loaded).map((s) => s.name);
  return (
    <Box flexDirection="column" gap={1}>
      <Table columns={serviceColumns} rows={services} />
      <Text>
        <Text dimColor>Loaded by {loadedBy ?? 'the defaults'}: </Text>
        <Text color="green">{loaded.join(', ') || 'none'}</Text>
      </Text>
    </Box>
  );
}
