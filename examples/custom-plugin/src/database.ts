/** The checklist service's tables, in its own schema (`checklist`). */
export interface ChecklistDatabase {
  items: {
    store_id: string;
    key: string;
    title: string;
    position: number;
    completed_at: Date | null;
  };
}
