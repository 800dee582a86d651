/* tb.c — the TB cache: hash table, per-page lists, chaining edges and
 * deferred freeing (see tb.h for the picture). */
#include "core/tb.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/stats.h"

#define TB_HASH_BITS 15
#define TB_PAGE_BITS 12

static uint32_t tb_hash(uint64_t pc, uint32_t flags, uint32_t mask) {
    uint64_t h = (pc ^ ((uint64_t)flags << 40)) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 32) & mask;
}

static uint32_t page_hash(uint64_t page, uint32_t mask) {
    return (uint32_t)((page >> MEM_PAGE_BITS) * 0x9E3779B97F4A7C15ull >> 40) & mask;
}

TbCache *tb_cache_new(void) {
    TbCache *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->hash_mask = (1u << TB_HASH_BITS) - 1;
    c->hash = calloc(c->hash_mask + 1, sizeof(Tb *));
    c->pages_mask = (1u << TB_PAGE_BITS) - 1;
    c->pages = calloc(c->pages_mask + 1, sizeof(TbPage *));
    if (!c->hash || !c->pages) abort();
    c->max_tbs = 1u << 20;
    return c;
}

static void tb_destroy(TbCache *c, Tb *tb) {
    if (c->release_code) c->release_code(tb);
    if (c->release_hot) c->release_hot(tb);
    ir_block_free(&tb->ir);
    free(tb->incoming);
    free(tb);
}

void tb_cache_free(TbCache *c) {
    if (!c) return;
    tb_flush(c);
    tb_reclaim(c);
    free(c->hash);
    free(c->pages);
    free(c->straddlers);
    free(c);
}

Tb *tb_lookup(TbCache *c, uint64_t pc, uint32_t flags) {
    for (Tb *tb = c->hash[tb_hash(pc, flags, c->hash_mask)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->flags == flags) return tb;
    }
    return NULL;
}

Tb *tb_lookup_phys(TbCache *c, uint64_t pc, uint64_t phys_page, uint32_t flags) {
    for (Tb *tb = c->hash[tb_hash(pc, flags, c->hash_mask)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->flags == flags && tb->phys_page == phys_page) return tb;
    }
    return NULL;
}

static TbPage *page_find(TbCache *c, uint64_t page, bool create) {
    uint32_t h = page_hash(page, c->pages_mask);
    for (TbPage *p = c->pages[h]; p; p = p->next) {
        if (p->page == page) return p;
    }
    if (!create) return NULL;
    TbPage *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->page = page;
    p->next = c->pages[h];
    c->pages[h] = p;
    return p;
}

static void page_remove(TbCache *c, uint64_t page) {
    TbPage **pp = &c->pages[page_hash(page, c->pages_mask)];
    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->page == page) {
            TbPage *dead = *pp;
            *pp = dead->next;
            free(dead);
            if (c->page_code_changed) c->page_code_changed(c->page_opaque, page, false);
            return;
        }
    }
}

static void tb_pages(const Tb *tb, uint64_t *first, uint64_t *last) {
    if (tb->phys_explicit) {
        *first = tb->phys_page;
        *last = tb->phys_page_last;
        return;
    }
    *first = tb->pc & MEM_PAGE_MASK;
    *last = (tb->pc + (tb->guest_size ? tb->guest_size - 1 : 0)) & MEM_PAGE_MASK;
}

void tb_insert(TbCache *c, Tb *tb) {
    if (c->n_tbs >= c->max_tbs) tb_flush(c);
    uint32_t h = tb_hash(tb->pc, tb->flags, c->hash_mask);
    tb->hash_next = c->hash[h];
    c->hash[h] = tb;
    c->n_tbs++;
    /* A TB never spans a page (frontends stop at the boundary), but an
     * instruction may straddle two: the block is listed on its first page
     * and, if different, its last. */
    uint64_t first, last;
    tb_pages(tb, &first, &last);
    TbPage *p = page_find(c, first, true);
    bool was_empty = p->tbs == NULL;
    tb->page_next = p->tbs;
    p->tbs = tb;
    if (was_empty && c->page_code_changed) c->page_code_changed(c->page_opaque, first, true);
    if (last != first) {
        /* Straddling instruction: make the second page invalidate us too by
         * listing a marker TB-less page; invalidate_page handles both. */
        TbPage *q = page_find(c, last, true);
        if (q->tbs == NULL && c->page_code_changed) c->page_code_changed(c->page_opaque, last, true);
        (void)q;
        if (tb->phys_explicit) {
            /* physical pages need not be adjacent: remember it explicitly */
            if (c->n_straddlers == c->cap_straddlers) {
                c->cap_straddlers = c->cap_straddlers ? 2 * c->cap_straddlers : 16;
                c->straddlers = realloc(c->straddlers, c->cap_straddlers * sizeof(Tb *));
                if (!c->straddlers) abort();
            }
            c->straddlers[c->n_straddlers++] = tb;
        }
    }
}

static void edge_remove(Tb *to, Tb *from, uint32_t slot) {
    for (uint32_t i = 0; i < to->n_incoming; i++) {
        if (to->incoming[i].from == from && to->incoming[i].slot == slot) {
            to->incoming[i] = to->incoming[--to->n_incoming];
            return;
        }
    }
}

void tb_link(TbCache *c, Tb *from, uint32_t slot, Tb *to) {
    if (from->invalid || to->invalid || slot > 1) return;
    if (from->exit_tb[slot] == to) return;
    if (from->exit_tb[slot]) {
        edge_remove(from->exit_tb[slot], from, slot);
        if (c->link_hook) c->link_hook(c->link_opaque, from, slot, NULL);
    }
    if (to->n_incoming == to->cap_incoming) {
        to->cap_incoming = to->cap_incoming ? to->cap_incoming * 2 : 4;
        to->incoming = realloc(to->incoming, to->cap_incoming * sizeof(TbEdge));
        if (!to->incoming) abort();
    }
    to->incoming[to->n_incoming++] = (TbEdge){from, slot};
    from->exit_tb[slot] = to;
    if (c->link_hook) c->link_hook(c->link_opaque, from, slot, to);
    if (c->stats) c->stats->chain_links++;
}

/* Unlink tb from everything that can reach it, and put it on the free list. */
static void tb_kill(TbCache *c, Tb *tb) {
    if (tb->invalid) return;
    tb->invalid = true;
    Tb **pp = &c->hash[tb_hash(tb->pc, tb->flags, c->hash_mask)];
    for (; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            break;
        }
    }
    c->n_tbs--;
    uint32_t j = tb_jmp_hash(tb->pc);
    if (c->jmp_cache[j] == tb) c->jmp_cache[j] = NULL;
    for (uint32_t i = 0; i < tb->n_incoming; i++) {
        TbEdge e = tb->incoming[i];
        e.from->exit_tb[e.slot] = NULL;
        if (c->link_hook) c->link_hook(c->link_opaque, e.from, e.slot, NULL);
    }
    tb->n_incoming = 0;
    for (uint32_t i = 0; i < c->n_straddlers; i++) {
        if (c->straddlers[i] == tb) {
            c->straddlers[i] = c->straddlers[--c->n_straddlers];
            break;
        }
    }
    for (uint32_t s = 0; s < 2; s++) {
        if (tb->exit_tb[s]) {
            edge_remove(tb->exit_tb[s], tb, s);
            if (c->link_hook) c->link_hook(c->link_opaque, tb, s, NULL);
        }
        tb->exit_tb[s] = NULL;
    }
    tb->free_next = c->to_free;
    c->to_free = tb;
    if (c->stats) c->stats->tb_invalidations++;
}

void tb_invalidate_page(TbCache *c, uint64_t page) {
    page &= MEM_PAGE_MASK;
    for (uint32_t i = 0; i < c->n_straddlers;) {
        Tb *tb = c->straddlers[i];
        if (tb->phys_page_last == page && tb->phys_page != page) {
            /* unlink it from its first page's list, then kill it (which
             * removes it from this array: do not advance) */
            TbPage *p = page_find(c, tb->phys_page, false);
            if (p) {
                for (Tb **tp = &p->tbs; *tp; tp = &(*tp)->page_next) {
                    if (*tp == tb) {
                        *tp = tb->page_next;
                        break;
                    }
                }
                if (!p->tbs) page_remove(c, tb->phys_page);
            }
            tb_kill(c, tb);
        } else {
            i++;
        }
    }
    /* TBs starting on this page, and on the previous one (their last
     * instruction may straddle into this page). */
    for (int k = 0; k < 2; k++) {
        uint64_t pg = page - (uint64_t)k * MEM_PAGE_SIZE;
        if (k == 1 && page == 0) break;
        TbPage *p = page_find(c, pg, false);
        if (!p) continue;
        Tb **tp = &p->tbs;
        while (*tp) {
            Tb *tb = *tp;
            uint64_t first, last;
            tb_pages(tb, &first, &last);
            if (first == page || last == page) {
                *tp = tb->page_next;
                tb_kill(c, tb);
            } else {
                tp = &tb->page_next;
            }
        }
        if (!p->tbs) page_remove(c, pg);
    }
}

void tb_invalidate_range(TbCache *c, uint64_t start, uint64_t len) {
    if (len == 0) return;
    uint64_t first = start & MEM_PAGE_MASK;
    uint64_t last = (start + len - 1) & MEM_PAGE_MASK;
    if (last < first || (last - first) / MEM_PAGE_SIZE > (uint64_t)c->pages_mask * 4) {
        tb_flush(c);
        return;
    }
    for (uint64_t pg = first;; pg += MEM_PAGE_SIZE) {
        tb_invalidate_page(c, pg);
        if (pg == last) break;
    }
}

bool tb_page_has_code(TbCache *c, uint64_t page) { return page_find(c, page & MEM_PAGE_MASK, false) != NULL; }

void tb_flush(TbCache *c) {
    if (c->n_tbs == 0) return;
    for (uint32_t h = 0; h <= c->hash_mask; h++) {
        while (c->hash[h]) tb_kill(c, c->hash[h]);
    }
    for (uint32_t h = 0; h <= c->pages_mask; h++) {
        while (c->pages[h]) page_remove(c, c->pages[h]->page);
    }
    memset(c->jmp_cache, 0, sizeof c->jmp_cache);
    if (c->stats) c->stats->tb_flushes++;
}

void tb_reclaim(TbCache *c) {
    while (c->to_free) {
        Tb *tb = c->to_free;
        c->to_free = tb->free_next;
        tb_destroy(c, tb);
    }
}
