/**
 * What a translation changed or left out, reported back to the caller to log. Translation itself never logs.
 */
export type TranslationNoteKind =
  | 'tool_dropped'
  | 'tools_stripped'
  | 'item_dropped'
  | 'tool_choice_downgraded'
  | 'sampling_dropped'
  | 'image_replaced'
  | 'file_replaced'
  | 'reasoning_unreadable'
  | 'reasoning_lost'
  | 'reasoning_missing'
  | 'orphan_output_recovered'
  | 'orphan_output_dropped'
  | 'missing_output_filled'
  | 'response_format_downgraded'
  | 'output_compacted'
  | 'tools_withdrawn'
  | 'guardrail_instruction';

export interface TranslationNote {
  kind: TranslationNoteKind;
  detail: string;
}
